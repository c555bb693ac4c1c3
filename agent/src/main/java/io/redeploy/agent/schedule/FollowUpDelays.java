package io.redeploy.agent.schedule;

import java.time.Duration;

/**
 * The delays between follow-up polls while the agent waits for the Docker engine to come back (a deploy it cut short
 * is still to be healed): short at first, and at most {@link #MAX} apart, so the service is healed within seconds of
 * the engine being back rather than one poll interval later; while it stays down, that is one skipped poll (one WARN
 * line) per {@code MAX}. Used by the poll thread only.
 */
public final class FollowUpDelays {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(10);

    private Duration next = FIRST;

    /** The delay before the next follow-up; each call doubles the following one, up to {@link #MAX}. */
    public Duration next() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(MAX) > 0 ? MAX : doubled;
        return delay;
    }

    /** Nothing is waiting any more: the next wait starts short again. */
    public void reset() {
        next = FIRST;
    }
}
