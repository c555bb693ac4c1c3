package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.ServiceState;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an operator asks of one service: hold it, release it, roll it back (and hold it), approve its pending digest. Each request is checked
 * against the configuration, the state and the deploys in flight before anything is touched; a refusal is an
 * {@link ActionRefusedException}. The rollback itself runs later on the poll thread ({@link #execute}), through the
 * same deploy target and health gate as any deploy; the hold is placed at once, so no poll deploys the build being
 * rolled back from in between. The planner applies the hold ({@link Decision.Kind#HELD}); the recorder writes it.
 */
public final class OperatorActions {
    private final List<ServiceConfig> services;
    private final StateStore state;
    private final AuditLog audit;
    private final Recorder recorder;
    private final DeployTarget target;
    private final Function<ImageRef, RegistryConfig> registries;
    private final DeploysInFlight inFlight;
    private final Clock clock;

    public OperatorActions(
            List<ServiceConfig> services,
            StateStore state,
            AuditLog audit,
            Recorder recorder,
            DeployTarget target,
            Function<ImageRef, RegistryConfig> registries,
            DeploysInFlight inFlight,
            Clock clock) {
        this.services = List.copyOf(services);
        this.state = state;
        this.audit = audit;
        this.recorder = recorder;
        this.target = target;
        this.registries = registries;
        this.inFlight = inFlight;
        this.clock = clock;
    }

    /** Holds a service that is not held. */
    public synchronized Hold hold(String name, String by, String reason) throws ActionRefusedException {
        ServiceConfig service = known(name);
        Optional<Hold> current = state.get(name).hold();
        if (current.isPresent()) {
            throw new ActionRefusedException(
                    Reason.HELD, name + " is already " + current.get().describe());
        }
        Hold hold = new Hold(by, clock.instant(), reason);
        recorder.held(service, hold);
        return hold;
    }

    /** Releases a held service; returns the hold it lifted. */
    public synchronized Hold release(String name, String by) throws ActionRefusedException {
        ServiceConfig service = known(name);
        Hold hold = state.get(name)
                .hold()
                .orElseThrow(() -> new ActionRefusedException(Reason.NOT_HELD, name + " is not held"));
        recorder.released(service, hold, by);
        return hold;
    }

    /**
     * Approves the digest waiting for approval: {@code digest} (full or short form) must be that one, so an approval
     * meant for a build a newer one superseded is refused; empty approves whatever waits. The caller queues the poll
     * that deploys it through the normal path.
     */
    public synchronized Approval approve(String name, Optional<String> digest, String by)
            throws ActionRefusedException {
        ServiceConfig service = known(name);
        Approval pending = state.get(name)
                .approval()
                .orElseThrow(() -> new ActionRefusedException(
                        Reason.NO_PENDING,
                        "no digest of " + name + " waits for approval"
                                + (service.policy().kind() == UpdatePolicy.Kind.APPROVE
                                        ? ""
                                        : " (its policy is "
                                                + service.policy().kind().configName() + ")")));
        if (digest.isPresent() && !pending.digest().startsWith(digest.get())) {
            throw new ActionRefusedException(
                    Reason.NOT_PENDING,
                    digest.get() + " is not the digest of " + name + " waiting for approval; "
                            + shortForm(pending.digest()) + " is");
        }
        if (pending.approved()) {
            throw new ActionRefusedException(
                    Reason.ALREADY_APPROVED,
                    shortForm(pending.digest()) + " of " + name + " was approved by "
                            + pending.approvedBy().orElseThrow() + " at "
                            + pending.approvedAt().orElseThrow());
        }
        Approval approved = pending.approve(by, clock.instant());
        recorder.approved(service, approved);
        return approved;
    }

    private static String shortForm(String digest) {
        return Digest.isValid(digest) ? Digest.parse(digest).shortForm() : digest;
    }

    /**
     * Accepts a rollback to {@code to} (a digest from the service's deploy history: the last deploys in the state, else
     * the audit history; the build that ran before the current one when empty) and holds the service. The caller queues {@link #execute} on the poll thread.
     */
    public synchronized RollbackRequest rollback(String name, Optional<String> to, String by, String reason)
            throws ActionRefusedException {
        ServiceConfig service = known(name);
        ServiceState current = state.get(name);
        Optional<Digest> digest = RollbackTarget.choose(current.history(), current.runningDigest(), to);
        if (digest.isEmpty() && to.isPresent()) {
            // Older than the last deploys state.json keeps: a build the audit history says ran.
            digest = RollbackTarget.choose(auditedDeploys(name), current.runningDigest(), to);
        }
        if (digest.isEmpty()) {
            throw new ActionRefusedException(
                    Reason.UNKNOWN_DIGEST,
                    to.map(d -> d + " is not in the deploy history of " + name)
                                    .orElse("the deploy history of " + name + " has no build before the one running")
                            + "; known: " + known(current));
        }
        if (current.runningDigest().filter(digest.get().value()::equals).isPresent()) {
            throw new ActionRefusedException(
                    Reason.ALREADY_RUNNING,
                    name + " already runs " + digest.get().shortForm() + "; POST /v1/hold holds it without a deploy");
        }
        if (!inFlight.queueIfIdle(name)) {
            throw new ActionRefusedException(
                    Reason.BUSY, "a deploy of " + name + " is running or queued; try again when it has finished");
        }
        Hold hold = new Hold(by, clock.instant(), reason);
        RollbackRequest request = new RollbackRequest(
                name, current.runningDigest().filter(Digest::isValid).map(Digest::parse), digest.get(), hold);
        recorder.rollbackQueued(service, request, current.hold().isEmpty());
        return request;
    }

    /** The poll thread: deploys the rollback's digest through the target and records how it ended. */
    public DeployResult execute(RollbackRequest request) {
        try {
            ServiceConfig service = known(request.service());
            DeployResult result;
            try {
                ServiceConfig resolved = target.resolve(service);
                result = target.deploy(resolved, request.to(), registries.apply(resolved.image()));
            } catch (RuntimeException e) {
                result = new DeployResult(
                        request.service(),
                        request.from(),
                        request.to(),
                        DeployResult.Outcome.FAILED,
                        String.valueOf(e.getMessage()),
                        Duration.ZERO);
            }
            recorder.rolledBack(service, request, result);
            return result;
        } catch (ActionRefusedException e) {
            throw new IllegalStateException("a queued rollback names a configured service", e);
        } finally {
            inFlight.dequeue(request.service());
        }
    }

    /** A queued rollback that will never run (the agent stops): no longer counted as in flight. */
    public void dropped(RollbackRequest request) {
        inFlight.dequeue(request.service());
    }

    /** The service's deploys, rollbacks and recoveries in the audit history, oldest first, as deploy records. */
    private List<DeployRecord> auditedDeploys(String name) {
        List<DeployRecord> deploys = new ArrayList<>();
        for (AuditRecord r : audit.read(
                        Optional.of(name), Optional.empty(), Optional.empty(), AuditLog.DEFAULT_KEEP_RECORDS)
                .records()) {
            boolean deploy = List.of(AuditRecord.DEPLOY, AuditRecord.ROLLBACK, AuditRecord.RECOVERY)
                    .contains(r.kind());
            if (deploy && !r.to().isEmpty()) {
                deploys.add(0, new DeployRecord(r.from(), r.to(), r.at(), Duration.ZERO, r.outcome(), r.reason()));
            }
        }
        return deploys;
    }

    private ServiceConfig known(String name) throws ActionRefusedException {
        return services.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new ActionRefusedException(
                        Reason.UNKNOWN_SERVICE, "no configured service is named '" + name + "'"));
    }

    private static String known(ServiceState state) {
        List<String> ran = RollbackTarget.ran(state.history()).stream()
                .filter(Digest::isValid)
                .map(d -> Digest.parse(d).shortForm())
                .toList();
        return ran.isEmpty() ? "none" : String.join(", ", ran);
    }
}
