package io.redeploy.survey.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Exponential back-off after repeated failures per key, in memory: the first {@code freeFailures} cost nothing,
 * then each further failure doubles the wait (from {@code firstDelay} up to {@code maxDelay}). A key is forgotten
 * after {@code forgetAfter} without failures, or at once on success.
 */
public final class FailureBackoff {
    private static final int MAX_KEYS = 100_000;

    private record Entry(int failures, Instant last) {}

    private final int freeFailures;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration forgetAfter;
    private final Clock clock;
    private final LruMap<String, Entry> entries = new LruMap<>(MAX_KEYS);

    public FailureBackoff(int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter, Clock clock) {
        this.freeFailures = freeFailures;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.forgetAfter = forgetAfter;
        this.clock = clock;
    }

    /** How long {@code key} must still wait, or empty when it may try now. */
    public synchronized Optional<Duration> blockedFor(String key) {
        Instant now = clock.instant();
        Entry entry = current(key, now);
        if (entry == null) {
            return Optional.empty();
        }
        Instant until = entry.last().plus(delay(entry.failures()));
        return now.isBefore(until) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    public synchronized void failed(String key) {
        Instant now = clock.instant();
        Entry entry = current(key, now);
        entries.put(key, new Entry(entry == null ? 1 : entry.failures() + 1, now));
    }

    public synchronized void succeeded(String key) {
        entries.remove(key);
    }

    Duration delay(int failures) {
        if (failures < freeFailures) {
            return Duration.ZERO;
        }
        Duration delay = firstDelay.multipliedBy(1L << Math.min(failures - freeFailures, 30));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private Entry current(String key, Instant now) {
        Entry entry = entries.get(key);
        if (entry != null && !now.isBefore(entry.last().plus(forgetAfter))) {
            entries.remove(key);
            return null;
        }
        return entry;
    }
}
