package io.redeploy.agent.http;

import io.redeploy.agent.state.Hold;
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

    /** Holds a service: no automatic deploy until {@link #release}. */
    default Hold hold(String service, String by, String reason) throws Refused {
        throw new Refused(503, "unavailable", "holds are not available in this agent");
    }

    /** Lifts a service's hold and queues a poll of it; returns the hold it lifted. */
    default Hold release(String service, String by) throws Refused {
        throw new Refused(503, "unavailable", "holds are not available in this agent");
    }

    /**
     * Holds a service and queues a deploy of {@code to} (a digest, or its short form, from the service's deploy
     * history; the build that ran before the current one when empty) through the usual health-gated path.
     */
    default Rollback rollback(String service, Optional<String> to, String by, String reason) throws Refused {
        throw new Refused(503, "unavailable", "rollbacks are not available in this agent");
    }

    /**
     * Approves the digest of a {@code policy: approve} service that waits for approval ({@code digest}, full or short,
     * must be that one; empty approves whatever waits) and queues the poll that deploys it.
     */
    default Approved approve(String service, Optional<String> digest, String by) throws Refused {
        throw new Refused(503, "unavailable", "approvals are not available in this agent");
    }

    /** What a signed approve link would approve; nothing is touched (the confirmation page of its GET). */
    default LinkPreview previewLink(String token) throws Refused {
        throw new Refused(404, "links_disabled", "approve links are not available in this agent");
    }

    /** Approves the build a signed approve link names, once, and queues the poll that deploys it. */
    default Approved approveLink(String token) throws Refused {
        throw new Refused(404, "links_disabled", "approve links are not available in this agent");
    }

    /** The build a valid link names, when it started waiting and when the link expires. */
    record LinkPreview(String service, String digest, Instant since, Instant expires) {}

    /** An accepted approval: the digest, who approved it and when; its deploy is queued. */
    record Approved(String service, String digest, String by, Instant at) {}

    /** An accepted rollback: it runs on the poll thread, after any poll in flight. */
    record Rollback(String service, Optional<String> from, String to, Hold hold) {}

    /** The agent refused an action before touching anything: the status (404, 409) and one sentence why. */
    final class Refused extends Exception {
        private final int status;
        private final String code;

        public Refused(int status, String code, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }
}
