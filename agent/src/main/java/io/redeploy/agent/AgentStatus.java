package io.redeploy.agent;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.http.AgentControl;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.ActionRefusedException;
import io.redeploy.agent.reconcile.ApprovalLinks;
import io.redeploy.agent.reconcile.LinkApprovals;
import io.redeploy.agent.reconcile.OperatorActions;
import io.redeploy.agent.reconcile.RollbackRequest;
import io.redeploy.agent.schedule.PollScheduler;
import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.Hold;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the HTTP endpoint asks the running agent: the scheduler, the last poll, Docker, and the trigger. */
final class AgentStatus implements AgentControl {
    private final PollScheduler scheduler;
    private final List<ServiceConfig> services;
    private final Supplier<Optional<Instant>> lastPollFinished;
    private final Consumer<Optional<String>> trigger;
    private final Supplier<List<String>> problems;
    private final OperatorActions actions;
    private final Consumer<RollbackRequest> queueRollback;
    private final DockerPing ping;
    private final Optional<LinkApprovals> links;

    AgentStatus(
            PollScheduler scheduler,
            DockerGateway docker,
            List<ServiceConfig> services,
            Supplier<Optional<Instant>> lastPollFinished,
            Consumer<Optional<String>> trigger,
            Supplier<List<String>> problems,
            OperatorActions actions,
            Consumer<RollbackRequest> queueRollback,
            Optional<LinkApprovals> links) {
        this.links = links;
        this.problems = problems;
        this.actions = actions;
        this.queueRollback = queueRollback;
        this.scheduler = scheduler;
        this.ping = new DockerPing(docker::ping, java.time.Clock.systemUTC());
        this.services = List.copyOf(services);
        this.lastPollFinished = lastPollFinished;
        this.trigger = trigger;
    }

    @Override
    public boolean schedulerRunning() {
        return scheduler.isRunning();
    }

    @Override
    public Optional<Instant> lastPollFinished() {
        return lastPollFinished.get();
    }

    @Override
    public Optional<Instant> nextPoll() {
        return scheduler.nextPoll();
    }

    @Override
    public Duration pollInterval() {
        return scheduler.period();
    }

    @Override
    public boolean dockerAnswers() {
        return ping.answers(); // bounded and cached: a hung dockerd must not hold the HTTP workers
    }

    @Override
    public List<String> problems() {
        return problems.get();
    }

    @Override
    public Set<String> serviceNames() {
        Set<String> names = new LinkedHashSet<>();
        services.forEach(s -> names.add(s.name()));
        return names;
    }

    @Override
    public void triggerPoll(Optional<String> service) {
        trigger.accept(service);
    }

    @Override
    public Hold hold(String service, String by, String reason) throws Refused {
        try {
            return actions.hold(service, by, reason);
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    /** The next poll of the service deploys what it held back. */
    @Override
    public Hold release(String service, String by) throws Refused {
        try {
            Hold released = actions.release(service, by);
            trigger.accept(Optional.of(service));
            return released;
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    @Override
    public Rollback rollback(String service, Optional<String> to, String by, String reason) throws Refused {
        try {
            RollbackRequest request = actions.rollback(service, to, by, reason);
            queueRollback.accept(request);
            return new Rollback(
                    service, request.from().map(Digest::value), request.to().value(), request.hold());
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    /** The approval is recorded first, so the poll it queues deploys the digest. */
    @Override
    public Approved approve(String service, Optional<String> digest, String by) throws Refused {
        try {
            Approval approval = actions.approve(service, digest, by);
            trigger.accept(Optional.of(service));
            return new Approved(
                    service, approval.digest(), by, approval.approvedAt().orElseThrow());
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    @Override
    public LinkPreview previewLink(String token) throws Refused {
        LinkApprovals approvals = linksOrRefuse();
        try {
            ApprovalLinks.Claim claim = approvals.preview(token);
            return new LinkPreview(claim.service(), claim.digest(), claim.since(), claim.expires());
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    @Override
    public Approved approveLink(String token) throws Refused {
        LinkApprovals approvals = linksOrRefuse();
        try {
            String service = approvals.preview(token).service();
            Approval approval = approvals.approve(token);
            trigger.accept(Optional.of(service));
            return new Approved(
                    service,
                    approval.digest(),
                    LinkApprovals.BY,
                    approval.approvedAt().orElseThrow());
        } catch (ActionRefusedException e) {
            throw refused(e);
        }
    }

    private LinkApprovals linksOrRefuse() throws Refused {
        return links.orElseThrow(() ->
                new Refused(404, "links_disabled", "approve links are off: no http.approval_key_env is configured"));
    }

    private static Refused refused(ActionRefusedException e) {
        return switch (e.reason()) {
            case UNKNOWN_SERVICE -> new Refused(404, "unknown_service", e.getMessage());
            case UNKNOWN_DIGEST -> new Refused(404, "unknown_digest", e.getMessage());
            case BUSY -> new Refused(409, "deploy_in_progress", e.getMessage());
            case HELD -> new Refused(409, "already_held", e.getMessage());
            case NOT_HELD -> new Refused(409, "not_held", e.getMessage());
            case ALREADY_RUNNING -> new Refused(409, "already_running", e.getMessage());
            case NO_PENDING -> new Refused(409, "no_pending_approval", e.getMessage());
            case NOT_PENDING -> new Refused(409, "not_pending", e.getMessage());
            case ALREADY_APPROVED -> new Refused(409, "already_approved", e.getMessage());
            case INVALID_LINK -> new Refused(403, "invalid_link", e.getMessage());
            case LINK_EXPIRED -> new Refused(410, "link_expired", e.getMessage());
            case LINK_USED -> new Refused(409, "link_used", e.getMessage());
        };
    }
}
