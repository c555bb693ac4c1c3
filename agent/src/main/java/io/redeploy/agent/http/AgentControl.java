package io.redeploy.agent.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the HTTP endpoint needs from the running agent; implemented by the poll loop and scheduler.
 * Every method must answer quickly (the endpoint calls them on each request): in particular
 * {@link #dockerAnswers()} should be a ping with a short timeout or a recently cached result.
 */
public interface AgentControl {
    /** True while the scheduler is started and not shutting down. */
    boolean schedulerRunning();

    /** When the last poll finished (successfully or not); empty before the first one. */
    Optional<Instant> lastPollFinished();

    /** When the next scheduled poll fires; empty when nothing is scheduled. */
    Optional<Instant> nextPoll();

    /** The poll interval; for a cron schedule the gap between its next two fire times. */
    Duration pollInterval();

    /** True when the Docker Engine answered its last ping. */
    boolean dockerAnswers();

    /**
     * What is wrong with what the agent watches, one line each (a service that is down, a registry that rejects the
     * credentials): {@code /healthz} answers 503 while there is any.
     */
    default List<String> problems() {
        return List.of();
    }

    /** The names of the configured services. */
    Set<String> serviceNames();

    /**
     * Asks for a poll as soon as possible (of one service, or of all when empty) and returns without waiting
     * for it. Throws {@link IllegalStateException} when the agent cannot take it (for example shutting down).
     */
    void triggerPoll(Optional<String> service);
}
