package io.redeploy.agent.schedule;

import java.time.Duration;

/**
 * The delays between follow-up polls while the agent waits for the Docker engine to come back (a deploy it cut short
 * is still to be healed, and the service may be down until then): every second for the first {@link #FAST_FOR}, which
 * covers a daemon restart, so the service is healed within a second of the engine being back rather than one poll
 * interval later; then doubling up to {@link #MAX}, so an engine that stays down costs one skipped poll (one WARN line)
 * per {@code MAX}. Used by the poll thread only.
 */
public final class FollowUpDelays {
    public static final Duration STEP = Duration.ofSeconds(1);
    public static final Duration FAST_FOR = Duration.ofSeconds(30);
    public static final Duration MAX = Duration.ofSeconds(10);

    private Duration waited = Duration.ZERO;
    private Duration slow = STEP;

    /** The delay before the next follow-up. */
    public Duration next() {
        Duration delay = STEP;
        if (waited.compareTo(FAST_FOR) >= 0) {
            Duration doubled = slow.multipliedBy(2);
            slow = doubled.compareTo(MAX) > 0 ? MAX : doubled;
            delay = slow;
        }
        waited = waited.plus(delay);
        return delay;
    }

    /** Nothing is waiting any more: the next wait starts fast again. */
    public void reset() {
        waited = Duration.ZERO;
        slow = STEP;
    }
}
