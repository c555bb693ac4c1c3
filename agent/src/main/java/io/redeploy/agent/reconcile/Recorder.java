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
    private final AgentMetrics metrics;
    private final PollEvents events;
    private final Clock clock;
    /** Services whose unchanged digest was logged at INFO once in this process; later polls log it at DEBUG. */
    private final Set<String> announced = new HashSet<>();
    /** The digest each held service was last logged as deferred with, at INFO; the same again at DEBUG. */
    private final Map<String, Digest> heldAnnounced = new ConcurrentHashMap<>();

    private final ServiceHealth health;
    private final PollSummary summary;
    private final DeployHistory history;
    private final OperatorRecords operator;
    private final ApprovalRecords approvals;

    /** With the audit history under the state file's directory. */
    public Recorder(StateStore state, AgentMetrics metrics, PollEvents events, Clock clock) {
        this(state, AuditLog.open(state.file().toAbsolutePath().getParent()), metrics, events, clock);
    }

    public Recorder(StateStore state, AuditLog audit, AgentMetrics metrics, PollEvents events, Clock clock) {
        this(state, audit, metrics, events, clock, Optional.empty());
    }

    /** {@code links}: signs an approve link into the notification of a pending digest. */
    public Recorder(
            StateStore state,
            AuditLog audit,
            AgentMetrics metrics,
            PollEvents events,
            Clock clock,
            Optional<ApprovalLinks> links) {
        this.state = state;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.health = new ServiceHealth(metrics, events);
        this.summary = new PollSummary(clock);
        this.history = new DeployHistory(state, audit, metrics, clock);
        this.operator = new OperatorRecords(state, audit, history, events, clock);
        this.approvals = new ApprovalRecords(state, audit, events, clock, links);
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
            case AWAITING_APPROVAL ->
                approvals.pending(service, decision.target().orElseThrow(), decision.running());
            case UNCHANGED -> approvals.unchanged(service.name());
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
        approvals.deployed(result.service(), result.to());
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
        String why = how + recovery.action();
        history.write(
                recovery.service(),
                new DeployRecord(
                        from, recovery.digest().orElseThrow(), at, Duration.between(at, clock.instant()), outcome, why),
                AuditRecord.RECOVERY,
                AuditRecord.AGENT,
                why,
                Duration.ZERO);
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
        history.write(
                result.service(),
                new DeployRecord(
                        result.from().map(Digest::value).orElse(""),
                        result.to().value(),
                        clock.instant().minus(result.duration()),
                        result.duration(),
                        result.outcome().name().toLowerCase(Locale.ROOT),
                        result.reason()),
                result.outcome() == DeployResult.Outcome.REFUSED ? AuditRecord.REFUSAL : AuditRecord.DEPLOY,
                AuditRecord.AGENT,
                result.reason(),
                result.duration());
    }

    /** An operator held the service (see {@link OperatorRecords}). */
    void held(ServiceConfig service, Hold hold) {
        operator.held(service, hold);
    }

    /** An operator released the service's hold: the next deferral is logged at INFO again. */
    void released(ServiceConfig service, Hold hold, String by) {
        heldAnnounced.remove(service.name());
        operator.released(service, hold, by);
    }

    /** An operator approved a pending digest (see {@link ApprovalRecords}). */
    void approved(ServiceConfig service, io.redeploy.agent.state.Approval approval) {
        approvals.approved(service, approval);
    }

    void rollbackQueued(ServiceConfig service, RollbackRequest rollback, boolean placesHold) {
        operator.rollbackQueued(service, rollback, placesHold);
    }

    void rolledBack(ServiceConfig service, RollbackRequest rollback, DeployResult result) {
        operator.rolledBack(service, rollback, result);
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
