package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Redactor;
import java.time.Duration;
import java.util.Optional;

/**
 * How one deploy ended.
 *
 * @param from       the digest the old container ran, when known
 * @param reason     one readable sentence: what was done, or which step failed and why (never a secret)
 * @param engineLost the Docker engine stopped answering during the deploy or its rollback (the daemon stopped or
 *                   restarted): the build was not judged, and what the deploy left has to be checked again once the
 *                   engine answers (see {@link DeployTarget#recoverInterrupted()})
 */
public record DeployResult(
        String service,
        Optional<Digest> from,
        Digest to,
        Outcome outcome,
        String reason,
        Duration duration,
        boolean engineLost) {

    /** Marks the failed container's log tail, always last in a reason: notifications leave it out. */
    public static final String LOG_TAIL = "; last log lines: ";

    public DeployResult {
        reason = Redactor.cap(reason);
    }

    /** A deploy during which the engine answered every call (successfully or not). */
    public DeployResult(
            String service, Optional<Digest> from, Digest to, Outcome outcome, String reason, Duration duration) {
        this(service, from, to, outcome, reason, duration, false);
    }

    public enum Outcome {
        /** The new container runs and passed its health gate; the old one is removed. */
        DEPLOYED,
        /** A step after the old container was touched failed; the old one runs again under its name. */
        ROLLED_BACK,
        /** Could not even start (pull failed, engine down, bad settings): the old container was not touched. */
        FAILED,
        /** The update policy refused this digest (e.g. a major version change): nothing was touched. */
        REFUSED,
        /** A pre-update hook said "not now": nothing was touched; the next poll tries again. */
        SKIPPED
    }

    /** The step name of a failed pre-update hook: the environment (disk, database) is to blame, not the build. */
    public static final String PRE_UPDATE_STEP = "pre-update hook";

    /** The step name of a deploy journal that could not be written (a full or read-only disk): not the build's fault. */
    public static final String JOURNAL_STEP = "deploy journal";

    /**
     * The step name of a reverse proxy that could not be asked or refused the switch: the old container kept serving,
     * the proxy is to blame, not the build.
     */
    public static final String TRAFFIC_STEP = "traffic switch";

    /**
     * The reason without the container's log tail, for channels outside the host (chat, email, webhooks): a build's
     * output can hold anything, so it stays in {@code /status} and the journal.
     */
    public String reasonWithoutLogTail() {
        int tail = reason.indexOf(LOG_TAIL);
        return tail < 0
                ? reason
                : reason.substring(0, tail) + "; container logs: see /status or journalctl -u redeploy-agent";
    }

    public boolean succeeded() {
        return outcome == Outcome.DEPLOYED;
    }

    /**
     * True when the build itself was never judged (the pull or the engine failed before the old container was
     * touched, or the engine went away mid-deploy): the next poll should try the same digest again instead of
     * waiting for a newer build.
     */
    public boolean worthRetrying() {
        return outcome == Outcome.SKIPPED
                || outcome != Outcome.DEPLOYED && engineLost
                || outcome == Outcome.FAILED
                        && (reason.startsWith("pull failed")
                                || reason.startsWith("inspect failed")
                                || reason.startsWith(PRE_UPDATE_STEP)
                                || reason.startsWith(JOURNAL_STEP))
                || outcome == Outcome.ROLLED_BACK && reason.startsWith(TRAFFIC_STEP);
    }
}
