package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The digests of {@code policy: approve} services: one starts waiting (a newer build replaces an older one, which can
 * then no longer be approved), an operator approves it, its deploy clears it. Written to the state (so a pending digest
 * survives a restart), the audit history, the log and the notifications. Part of the record step; called from the
 * poll thread and HTTP threads, so it touches only thread-safe parts.
 */
final class ApprovalRecords {
    private static final Logger log = LoggerFactory.getLogger(ApprovalRecords.class);

    private final StateStore state;
    private final AuditLog audit;
    private final PollEvents events;
    private final Clock clock;
    private final Optional<ApprovalLinks> links;

    ApprovalRecords(StateStore state, AuditLog audit, PollEvents events, Clock clock, Optional<ApprovalLinks> links) {
        this.state = state;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.links = links;
    }

    /** The planner held {@code target} back for approval: recorded once per digest, not at every poll. */
    void pending(ServiceConfig service, Digest target, Optional<Digest> running) {
        Optional<Approval> current = state.get(service.name()).approval();
        if (current.filter(a -> a.digest().equals(target.value())).isPresent()) {
            return;
        }
        Approval pending = Approval.pending(target.value(), clock.instant());
        state.setApproval(service.name(), Optional.of(pending));
        Optional<String> superseded = current.map(Approval::digest);
        audit.append(AuditRecord.of(
                pending.since(),
                service.name(),
                AuditRecord.APPROVAL,
                "pending",
                running.map(Digest::value).orElse(""),
                target.value(),
                AuditRecord.AGENT,
                superseded.map(d -> "supersedes " + d).orElse("")));
        Event line = Event.info(log, "approval.pending")
                .with("service", service.name())
                .digest("from", running)
                .digest("to", target);
        superseded.filter(Digest::isValid).map(Digest::parse).ifPresent(d -> line.digest("superseded", d));
        line.log();
        events.operatorAction(
                service,
                "approval.pending",
                running.map(Digest::value),
                Optional.of(target.value()),
                service.name() + ": " + target.shortForm() + " waits for approval: "
                        + links.map(l -> "approve it at " + l.link(service.name(), pending) + " (once, for "
                                        + ApprovalLinks.DEFAULT_TTL.toHours() + " h), or with ")
                                .orElse("")
                        + "POST /v1/approve?service=" + service.name() + "&digest=" + target.value());
    }

    /** An operator approved the pending digest: the caller queues the poll that deploys it. */
    void approved(ServiceConfig service, Approval approval) {
        state.setApproval(service.name(), Optional.of(approval));
        String by = approval.approvedBy().orElseThrow();
        audit.append(AuditRecord.of(
                approval.approvedAt().orElseThrow(),
                service.name(),
                AuditRecord.APPROVAL,
                "approved",
                "",
                approval.digest(),
                by,
                ""));
        Digest digest = Digest.parse(approval.digest());
        Event.info(log, "approval.approved")
                .with("service", service.name())
                .digest("digest", digest)
                .with("by", by)
                .log();
        events.operatorAction(
                service,
                "approval.approved",
                Optional.empty(),
                Optional.of(approval.digest()),
                service.name() + ": " + digest.shortForm() + " approved by " + by + "; deploying it");
    }

    /** What runs is the registry's digest again (the tag moved back): nothing waits any more. */
    void unchanged(String service) {
        if (state.get(service).approval().isPresent()) {
            state.setApproval(service, Optional.empty());
        }
    }

    /** A deploy of the approved digest ended, however it ended: nothing waits any more (a failure is remembered). */
    void deployed(String service, Digest to) {
        if (state.get(service)
                .approval()
                .filter(a -> a.digest().equals(to.value()))
                .isPresent()) {
            state.setApproval(service, Optional.empty());
        }
    }
}
