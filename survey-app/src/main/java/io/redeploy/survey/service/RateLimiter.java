package io.redeploy.survey.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bucket per key, in memory: {@code capacity} requests at once, refilled evenly over {@code period}. Each
 * app instance counts for itself (two run side by side only during a deploy) and a restart starts afresh.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;

    private static final class Bucket {
        double tokens;
        Instant updated;

        Bucket(double tokens, Instant updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    private final int capacity;
    private final Duration period;
    private final Clock clock;
    private final LruMap<String, Bucket> buckets = new LruMap<>(MAX_KEYS);

    public RateLimiter(int capacity, Duration period, Clock clock) {
        if (capacity < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("capacity and period must be positive");
        }
        this.capacity = capacity;
        this.period = period;
        this.clock = clock;
    }

    /** Takes one request from {@code key}'s bucket: empty when allowed, else how long until one is available. */
    public synchronized Optional<Duration> tryAcquire(String key) {
        Instant now = clock.instant();
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        long elapsed = Math.max(0, Duration.between(bucket.updated, now).toNanos());
        double perNano = (double) capacity / period.toNanos();
        bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * perNano);
        bucket.updated = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano)));
    }
}
