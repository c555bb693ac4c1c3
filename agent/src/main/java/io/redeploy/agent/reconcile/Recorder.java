package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.Check;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The record step: the one place where what a poll decided, what a deploy did and what an operator asked are written
 * to the state file, the audit history, the metrics, the notifications and the log. Called by the poll thread, and by
 * {@link OperatorActions} (HTTP threads) for holds, releases and accepted rollbacks: those touch only thread-safe
 * parts (the state store, the audit history, the notifications).
 */
public final class Recorder {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);

    private final StateStore state;
    private final AuditLog audit;
    private final AgentMetrics metrics;
    private final PollEvents events;
    private final Clock clock;
    /** Services whose unchanged digest was logged at INFO once in this process; later polls log it at DEBUG. */
    private final Set<String> announced = new HashSet<>();
    /** The digest each held service was last logged as deferred with, at INFO; the same again at DEBUG. */
    private final Map<String, Digest> heldAnnounced = new ConcurrentHashMap<>();

    private final ServiceHealth health;
    private final PollSummary summary;

    /** With the audit history under the state file's directory. */
    public Recorder(StateStore state, AgentMetrics metrics, PollEvents events, Clock clock) {
        this(state, AuditLog.open(state.file().toAbsolutePath().getParent()), metrics, events, clock);
    }

    public Recorder(StateStore state, AuditLog audit, AgentMetrics metrics, PollEvents events, Clock clock) {
        this.state = state;
        this.audit = audit;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.health = new ServiceHealth(metrics, events);
        this.summary = new PollSummary(clock);
    }

    /** Whether the service runs after this poll's work (empty) or what it does instead. */
    void health(ServiceConfig service, Optional<String> down) {
        health.seen(service, down);
    }

    List<String> problems() {
        return health.problems();
    }

    /** Runs one poll with its check records written once at the end (see {@link StateStore#batchChecks}). */
    <T> T poll(Supplier<T> work) {
        metrics.pollStarted();
        return state.batchChecks(work);
    }

    /** Docker does not answer: nothing could be checked. */
    void unreachable(List<ServiceConfig> services, String reason) {
        Event.warn(log, "poll.skipped").reason("docker unavailable: " + reason).log();
        events.degraded("docker unavailable: " + reason);
        for (ServiceConfig s : services) {
            state.recordCheck(
                    s.name(),
                    imageText(s),
                    state.get(s.name()).runningDigest(),
                    state.get(s.name()).registryDigest(),
                    Check.error("docker unavailable: " + reason));
        }
    }

    void reachable() {
        events.healthy();
    }

    /** A decision: its log line, its check record and, for a new digest, the notification. */
    void decided(Decision decision) {
        ServiceConfig service = decision.service();
        if (decision.kind() == Decision.Kind.UNCHANGED) {
            Level level = announced.add(service.name()) ? Level.INFO : Level.DEBUG;
            Event.at(log, level, "registry.digest")
                    .with("service", service.name())
                    .with("image", service.image())
                    .with("digest", decision.target().map(Digest::shortForm).orElse("-"))
                    .with("running", "yes")
                    .log();
        }
        if (decision.kind() == Decision.Kind.HELD) {
            // Every poll defers it again: INFO when it starts (or the digest changes), then DEBUG.
            Digest digest = decision.target().orElseThrow();
            Level level = digest.equals(heldAnnounced.put(service.name(), digest)) ? Level.DEBUG : Level.INFO;
            Event.at(log, level, "deploy.held")
                    .with("service", service.name())
                    .with("digest", digest.shortForm())
                    .reason(decision.detail())
                    .log();
        } else {
            decision.event(log).ifPresent(Event::log);
        }
        check(decision, decision.checkText());
        switch (decision.kind()) {
            case REPORT_ONLY, COOLING_DOWN ->
                events.newDigest(service, decision.target().orElseThrow(), false);
            case DEPLOY -> events.newDigest(service, decision.target().orElseThrow(), true);
            default -> {}
        }
    }

    /** The signature that lets a digest through, logged once with the deploy it allows. */
    void verified(ServiceConfig service, Digest digest, String key) {
        Event.info(log, "signature.verified")
                .with("service", service.name())
                .digest("digest", digest)
                .with("key", key)
                .log();
    }

    /** A deploy ended: its record, the failed digests, the notification and the metric. */
    void deployed(Decision decision, DeployResult result) {
        if (result.outcome() == DeployResult.Outcome.SKIPPED) {
            // "Not now" from a hook: no history entry per poll, the check says why.
            check(decision, Check.NEW_DIGEST + " (skipped: " + result.reason() + ")");
            return;
        }
        finished(decision.service(), result);
        // A signature refusal is re-checked when its .sig tag changes, not skipped as a failed build.
        if (result.worthRetrying() || decision.kind() == Decision.Kind.REFUSED_SIGNATURE) {
            state.unmarkFailed(result.service(), result.to().value());
        }
    }

    /**
     * What recovery did to deploys a crash or the engine cut short, written as the deploys they were: a build
     * recovery kept is recorded as deployed, one it found unhealthy as rolled back and remembered as failed (exactly
     * as a normal rollback), one it undid before judging it not at all (the next poll tries it again).
     */
    void recovered(List<Recovery> recoveries) {
        for (Recovery recovery : recoveries) {
            if (recovery.digest().isEmpty()) {
                continue;
            }
            String digest = recovery.digest().get();
            Optional<DeployRecord> last = state.get(recovery.service()).lastDeploy();
            boolean sameDeploy = last.filter(r -> r.to().equals(digest)).isPresent();
            switch (recovery.kind()) {
                case FINISHED -> {
                    if (!sameDeploy || !last.get().succeeded()) {
                        record(recovery, last.filter(r -> sameDeploy), DeployRecord.DEPLOYED);
                    }
                }
                case ROLLED_BACK -> {
                    if (sameDeploy && !last.get().succeeded()) {
                        state.markFailed(recovery.service(), digest); // recorded when the engine went away
                    } else {
                        record(recovery, Optional.empty(), DeployRecord.ROLLED_BACK);
                    }
                }
                default -> {}
            }
        }
    }

    /** A deploy record for a recovery; {@code interrupted} is the record the deploy left, if it left one. */
    private void record(Recovery recovery, Optional<DeployRecord> interrupted, String outcome) {
        Instant at = interrupted.map(DeployRecord::at).orElse(clock.instant());
        String from = interrupted.map(DeployRecord::from).orElse(recovery.from().orElse(""));
        String how = interrupted.isPresent() ? "finished once the Docker engine answered again: " : "after a restart: ";
        state.recordDeploy(
                recovery.service(),
                new DeployRecord(
                        from,
                        recovery.digest().orElseThrow(),
                        at,
                        Duration.between(at, clock.instant()),
                        outcome,
                        how + recovery.action()));
        audit.append(AuditRecord.of(
                clock.instant(),
                recovery.service(),
                AuditRecord.RECOVERY,
                outcome,
                from,
                recovery.digest().orElseThrow(),
                AuditRecord.AGENT,
                how + recovery.action()));
        metrics.deployFinished(recovery.service(), outcome, Duration.ZERO);
    }

    void pollSkipped(Duration took) {
        metrics.pollFinished(took, false);
        summary.add(0, 1);
    }

    /** At DEBUG: INFO is for what changed the stack. A {@code poll.summary} at INFO once an hour says it is alive. */
    void pollDone(int services, long changed, int deployed, int failed, int registryErrors, Duration took) {
        metrics.pollFinished(took, registryErrors == 0 && failed == 0);
        summary.add(changed, registryErrors + failed);
        Event.debug(log, "poll.done")
                .with("services", services)
                .with("changed", changed)
                .with("deployed", deployed)
                .with("failed", failed)
                .with("registry_errors", registryErrors)
                .duration(took)
                .log();
    }

    private void finished(ServiceConfig service, DeployResult result) {
        events.deployFinished(service, result);
        String outcome = result.outcome().name().toLowerCase(Locale.ROOT);
        state.recordDeploy(
                result.service(),
                new DeployRecord(
                        result.from().map(Digest::value).orElse(""),
                        result.to().value(),
                        clock.instant().minus(result.duration()),
                        result.duration(),
                        outcome,
                        result.reason()));
        audit.append(AuditRecord.of(
                clock.instant(),
                result.service(),
                result.outcome() == DeployResult.Outcome.REFUSED ? AuditRecord.REFUSAL : AuditRecord.DEPLOY,
                outcome,
                result.from().map(Digest::value).orElse(""),
                result.to().value(),
                AuditRecord.AGENT,
                result.reason()));
        metrics.deployFinished(result.service(), outcome, result.duration());
    }

    /** An operator held the service: state first (the next poll must see it), then the record, log and notification. */
    void held(ServiceConfig service, Hold hold) {
        hold(service, hold);
        Event.info(log, "service.held")
                .with("service", service.name())
                .with("by", hold.by())
                .reason(hold.reason())
                .log();
    }

    private void hold(ServiceConfig service, Hold hold) {
        state.setHold(service.name(), Optional.of(hold));
        audit.append(AuditRecord.of(
                hold.since(), service.name(), AuditRecord.HOLD, "held", "", "", hold.by(), hold.reason()));
        events.operatorAction(service, "service.held", Optional.empty(), Optional.empty(), hold.describe());
    }

    /** An operator released the service's hold. */
    void released(ServiceConfig service, Hold hold, String by) {
        state.setHold(service.name(), Optional.empty());
        heldAnnounced.remove(service.name());
        audit.append(AuditRecord.of(
                clock.instant(), service.name(), AuditRecord.RELEASE, "released", "", "", by, hold.describe()));
        Event.info(log, "service.released")
                .with("service", service.name())
                .with("by", by)
                .with("held_by", hold.by())
                .with("held_since", hold.since())
                .log();
        events.operatorAction(
                service,
                "service.released",
                Optional.empty(),
                Optional.empty(),
                service.name() + " released by " + by + "; automatic deploys resume (" + hold.describe() + ")");
    }

    /**
     * A rollback was accepted: it waits for the poll thread. {@code placesHold}: the service was not held, it is now
     * (recorded and told as a hold; the one log line of the request is this one, with {@code held=new}).
     */
    void rollbackQueued(ServiceConfig service, RollbackRequest rollback, boolean placesHold) {
        if (placesHold) {
            hold(service, rollback.hold());
        }
        Event.info(log, "rollback.queued")
                .with("service", rollback.service())
                .digest("from", rollback.from())
                .digest("to", rollback.to())
                .with("by", rollback.hold().by())
                .with("held", placesHold ? "new" : "already")
                .reason(rollback.hold().reason())
                .log();
    }

    /**
     * A rollback ended: recorded as a deploy in the state (what runs now) and as a rollback in the audit history. The
     * build it replaced is remembered as failed, so releasing the hold does not bring it back (a newer build does, and
     * so does {@code POST /v1/update?retry_failed=true}).
     */
    void rolledBack(ServiceConfig service, RollbackRequest rollback, DeployResult result) {
        String outcome = result.outcome().name().toLowerCase(Locale.ROOT);
        String why = "rollback by " + rollback.hold().by()
                + (rollback.hold().reason().isEmpty()
                        ? ""
                        : ": " + rollback.hold().reason());
        String from = result.from().or(rollback::from).map(Digest::value).orElse("");
        state.recordDeploy(
                service.name(),
                new DeployRecord(
                        from,
                        result.to().value(),
                        clock.instant().minus(result.duration()),
                        result.duration(),
                        outcome,
                        result.succeeded() ? why : result.reason()));
        if (result.succeeded() && !from.isEmpty() && !from.equals(result.to().value())) {
            state.markFailed(service.name(), from);
        }
        audit.append(AuditRecord.of(
                clock.instant(),
                service.name(),
                AuditRecord.ROLLBACK,
                outcome,
                from,
                result.to().value(),
                rollback.hold().by(),
                result.succeeded() ? rollback.hold().reason() : result.reason()));
        metrics.deployFinished(service.name(), outcome, result.duration());
        String event = result.succeeded() ? "rollback.done" : "rollback.failed";
        Event line = result.succeeded() ? Event.info(log, event) : Event.error(log, event);
        line.with("service", service.name())
                .digest("from", Optional.of(from).filter(Digest::isValid).map(Digest::parse))
                .digest("to", result.to())
                .with("by", rollback.hold().by())
                .duration(result.duration())
                .reason(result.succeeded() ? rollback.hold().reason() : result.reason())
                .log();
        events.operatorAction(
                service,
                event,
                Optional.of(from).filter(f -> !f.isEmpty()),
                Optional.of(result.to().value()),
                result.succeeded()
                        ? service.name() + " rolled back to " + result.to().shortForm() + " and held ("
                                + rollback.hold().describe() + ")"
                        : "rollback of " + service.name() + " to " + result.to().shortForm() + " failed: "
                                + result.reason() + "; still held");
    }

    /** The watched image as shown in {@code /status}: empty for a followed service that could not be resolved. */
    private static String imageText(ServiceConfig service) {
        return service.declaredImage().map(Object::toString).orElse("");
    }

    private void check(Decision decision, String result) {
        ServiceConfig service = decision.service();
        state.recordCheck(
                service.name(),
                imageText(service),
                decision.running().map(Digest::value),
                decision.target().map(Digest::value),
                result);
    }
}
