package io.redeploy.agent.policy;

import io.redeploy.agent.log.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spaces out a pre-update hook that keeps timing out. Every poll would otherwise start it again while the last one
 * may still hold its locks (a {@code pg_dump} against a hung database): from the second timeout in a row the hook
 * waits 1 minute, doubling up to 1 hour, and the digest waits with it. Any run that ends in time resets the count.
 */
final class HookBackoff {
    private static final Logger log = LoggerFactory.getLogger(HookBackoff.class);

    static final int TIMEOUTS_BEFORE_BACKOFF = 2;
    static final Duration FIRST_WAIT = Duration.ofMinutes(1);
    static final Duration MAX_WAIT = Duration.ofHours(1);

    private record Streak(int timeouts, Instant notBefore) {}

    private final Clock clock;
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    HookBackoff(Clock clock) {
        this.clock = clock;
    }

    /** Why the hook must not run now, or empty. */
    Optional<String> waiting(String service) {
        Streak streak = streaks.get(service);
        if (streak == null || !clock.instant().isBefore(streak.notBefore())) return Optional.empty();
        return Optional.of("pre-update hook timed out " + streak.timeouts() + " times in a row; backing off until "
                + streak.notBefore() + " (the new digest waits)");
    }

    void record(String service, boolean timedOut) {
        if (!timedOut) {
            streaks.remove(service);
            return;
        }
        int timeouts = streaks.getOrDefault(service, new Streak(0, Instant.MIN)).timeouts() + 1;
        Duration wait = Duration.ZERO;
        if (timeouts >= TIMEOUTS_BEFORE_BACKOFF) {
            int doublings = Math.min(timeouts - TIMEOUTS_BEFORE_BACKOFF, 10);
            wait = FIRST_WAIT.multipliedBy(1L << doublings);
            if (wait.compareTo(MAX_WAIT) > 0) wait = MAX_WAIT;
            Event.warn(log, "hook.backoff")
                    .with("service", service)
                    .with("timeouts", timeouts)
                    .with("wait_s", wait.toSeconds())
                    .log();
        }
        streaks.put(service, new Streak(timeouts, clock.instant().plus(wait)));
    }
}
