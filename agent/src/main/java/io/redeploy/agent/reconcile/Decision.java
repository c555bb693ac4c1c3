package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.Check;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What the planner decided for one service in one poll, as data: the kind, the digests, a detail (a reason, the
 * seconds left of a cooldown), and the check text and log line the decision implies. Nothing here touches anything.
 *
 * @param target  the registry's digest; empty when the registry could not answer
 * @param running the digest that runs, as shown to operators
 * @param detail  the reason of a refusal or error, or the seconds left of a cooldown
 */
public record Decision(
        ServiceConfig service, Kind kind, Optional<Digest> target, Optional<Digest> running, String detail) {

    public enum Kind {
        /** Deploy {@code target}. */
        DEPLOY,
        /** What runs is the registry's digest. */
        UNCHANGED,
        /** The container exists but does not run (stopped, exited, created): reported as down, left alone. */
        DOWN,
        /** The container does not run and the service says {@code revive_stopped}: start it again. */
        REVIVE,
        /** A new digest, but the service is only watched ({@code policy: notify}). */
        REPORT_ONLY,
        /** A new digest while an operator holds the service: deferred until the hold is released. */
        HELD,
        /** A new digest that already failed once: wait for a newer build. */
        SKIP_FAILED,
        /** The registry or the target could not be asked: leave everything as it is. */
        NOT_CHECKED,
        /** The agent is stopping: the next start deploys it. */
        DEFERRED_STOPPING,
        /** A dependency failed to deploy in this poll. */
        POSTPONED_DEPENDENCY,
        /** The digest has not been the tag's digest for the service's cooldown yet. */
        COOLING_DOWN,
        /** The signature could not be checked (registry failure): tried again at the next poll. */
        SIGNATURE_UNAVAILABLE,
        /** Not signed as required: refused, reported once; deployed as soon as a valid signature appears. */
        REFUSED_SIGNATURE,
        /** The refusal already reported still stands: nothing changed in the digest's signature. */
        STILL_REFUSED_SIGNATURE,
        /**
         * {@code verify:}: signed, but built before the image that runs (an old signed build re-tagged by someone
         * with registry write access): refused and remembered. An operator's rollback does not pass the planner.
         */
        REFUSED_OLDER,
        /** {@code pin-major}: the new image's major version differs (or cannot be read): refused and remembered. */
        REFUSED_MAJOR,
        /** {@code pin-major} or {@code verify:}: the new image's config could not be read: tried again. */
        CANDIDATE_UNKNOWN,
        /** {@code policy: approve}: the digest waits until an operator approves it ({@code POST /v1/approve}). */
        AWAITING_APPROVAL,
        /** The planner needs the signature check of {@code target} to decide. */
        NEEDS_SIGNATURE,
        /** The planner needs the new image's facts ({@code pin-major}) to decide. */
        NEEDS_CANDIDATE
    }

    public Decision {
        detail = detail == null ? "" : detail;
    }

    /** A refusal as the deploy it stands for: nothing was touched, the digest is recorded as refused. */
    public DeployResult refusal() {
        return new DeployResult(
                service.name(),
                running,
                target.orElseThrow(),
                DeployResult.Outcome.REFUSED,
                detail,
                java.time.Duration.ZERO);
    }

    /** The planner refused the digest: recorded and reported like a deploy that was refused. */
    public boolean refused() {
        return kind == Kind.REFUSED_SIGNATURE || kind == Kind.REFUSED_MAJOR || kind == Kind.REFUSED_OLDER;
    }

    /** True while the planner still waits for an input the observer fetches only on demand. */
    public boolean needsInput() {
        return kind == Kind.NEEDS_SIGNATURE || kind == Kind.NEEDS_CANDIDATE;
    }

    /** A dependent of this service waits when its dependency did not get its new build in this poll. */
    public boolean blocksDependents() {
        return switch (kind) {
            case SIGNATURE_UNAVAILABLE,
                    REFUSED_SIGNATURE,
                    STILL_REFUSED_SIGNATURE,
                    REFUSED_MAJOR,
                    REFUSED_OLDER,
                    CANDIDATE_UNKNOWN -> true;
            default -> false;
        };
    }

    /** The result of the check, as {@code /status} shows it (see {@link Check}). */
    public String checkText() {
        return switch (kind) {
            case UNCHANGED -> Check.UNCHANGED;
            case DOWN ->
                Check.DOWN + ": the container is " + detail
                        + "; start it by hand, or set revive_stopped: true to let the agent start it";
            case REVIVE -> Check.DOWN + ": the container is " + detail + "; starting it (revive_stopped)";
            case DEPLOY, NEEDS_SIGNATURE, NEEDS_CANDIDATE -> Check.NEW_DIGEST;
            case REPORT_ONLY -> Check.NEW_DIGEST + " (monitor only)";
            case HELD -> Check.NEW_DIGEST + " (deferred: " + detail + ")";
            case SKIP_FAILED -> Check.NEW_DIGEST + " (failed before, not retried)";
            case NOT_CHECKED -> Check.error(detail.isEmpty() ? "registry did not answer" : detail);
            case DEFERRED_STOPPING -> Check.NEW_DIGEST + " (deferred: agent stopping)";
            case POSTPONED_DEPENDENCY -> Check.NEW_DIGEST + " (postponed: a dependency failed)";
            case COOLING_DOWN -> Check.NEW_DIGEST + " (cooldown: deployed once unchanged for " + detail + "s more)";
            case SIGNATURE_UNAVAILABLE -> Check.error("signature check: " + detail);
            case REFUSED_SIGNATURE -> Check.NEW_DIGEST + " (refused: signature)";
            case STILL_REFUSED_SIGNATURE ->
                Check.NEW_DIGEST + " (refused: signature; checked again when its .sig tag changes)";
            case REFUSED_MAJOR -> Check.NEW_DIGEST + " (refused: pin-major)";
            case REFUSED_OLDER -> Check.NEW_DIGEST + " (refused: older than the running build)";
            case CANDIDATE_UNKNOWN ->
                Check.error((service.policy().kind() == io.redeploy.agent.config.UpdatePolicy.Kind.PIN_MAJOR
                                ? "pin-major: "
                                : "image age: ")
                        + detail);
            case AWAITING_APPROVAL -> Check.NEW_DIGEST + " (awaiting approval)";
        };
    }

    /**
     * The line this decision is logged as; empty for the kinds whose line the observer already wrote (a registry or
     * Docker failure) and for {@link Kind#UNCHANGED}, which the recorder logs once at INFO, then at DEBUG.
     */
    public Optional<Event> event(Logger log) {
        String name = service.name();
        String digest = target.map(Digest::shortForm).orElse("-");
        return Optional.ofNullable(
                switch (kind) {
                    case DEPLOY -> newDigest(Event.info(log, "digest.new"), "deploy");
                    case REPORT_ONLY -> newDigest(Event.info(log, "digest.new"), "report-only");
                    case SKIP_FAILED ->
                        Event.debug(log, "deploy.skipped")
                                .with("service", name)
                                .with("digest", digest)
                                .reason("failed before; waiting for a newer build");
                    case DEFERRED_STOPPING ->
                        Event.info(log, "deploy.deferred")
                                .with("service", name)
                                .with("digest", digest)
                                .reason("agent stopping; the next start deploys it");
                    case POSTPONED_DEPENDENCY ->
                        Event.warn(log, "deploy.postponed")
                                .with("service", name)
                                .with("digest", digest)
                                .reason("a dependency failed to deploy in this poll");
                    case COOLING_DOWN ->
                        Event.info(log, "deploy.cooldown")
                                .with("service", name)
                                .with("digest", digest)
                                .with("remaining_s", detail);
                    case SIGNATURE_UNAVAILABLE ->
                        Event.warn(log, "signature.error")
                                .with("service", name)
                                .with("digest", digest)
                                .reason(detail);
                    case REFUSED_SIGNATURE ->
                        Event.warn(log, "deploy.refused")
                                .with("service", name)
                                .with("digest", digest)
                                .reason(detail);
                    case STILL_REFUSED_SIGNATURE ->
                        Event.debug(log, "deploy.refused")
                                .with("service", name)
                                .with("digest", digest)
                                .reason(detail)
                                .with("repeated", true);
                    case REFUSED_MAJOR, REFUSED_OLDER ->
                        Event.warn(log, "deploy.refused")
                                .with("service", name)
                                .digest("from", running)
                                .with("to", digest)
                                .reason(detail);
                    case CANDIDATE_UNKNOWN ->
                        Event.warn(log, "policy.error")
                                .with("service", name)
                                .with("digest", digest)
                                .reason(detail);
                    case HELD ->
                        Event.debug(log, "deploy.held")
                                .with("service", name)
                                .with("digest", digest)
                                .reason(detail);
                    // The recorder logs a pending digest once, when it starts waiting (approval.pending).
                    case UNCHANGED, DOWN, REVIVE, NOT_CHECKED, NEEDS_SIGNATURE, NEEDS_CANDIDATE, AWAITING_APPROVAL ->
                        null;
                });
    }

    private Event newDigest(Event event, String action) {
        return event.with("service", service.name())
                .with("image", service.image())
                .with("digest", target.map(Digest::shortForm).orElse("-"))
                .with("action", action);
    }
}
