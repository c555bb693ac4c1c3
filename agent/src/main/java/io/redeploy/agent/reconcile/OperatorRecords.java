package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator asked (a hold, a release, a rollback) and how it ended, written to the state, the audit history,
 * the log and the notifications. Part of the record step (the recorder hands these over); called from HTTP
 * threads and the poll thread, so it touches only thread-safe parts.
 */
final class OperatorRecords {
    private static final Logger log = LoggerFactory.getLogger(OperatorRecords.class);

    private final StateStore state;
    private final AuditLog audit;
    private final DeployHistory history;
    private final PollEvents events;
    private final Clock clock;

    OperatorRecords(StateStore state, AuditLog audit, DeployHistory history, PollEvents events, Clock clock) {
        this.state = state;
        this.audit = audit;
        this.history = history;
        this.events = events;
        this.clock = clock;
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
        Hold hold = rollback.hold();
        String why = "rollback by " + hold.by() + (hold.reason().isEmpty() ? "" : ": " + hold.reason());
        String from = result.from().or(rollback::from).map(Digest::value).orElse("");
        history.write(
                service.name(),
                new DeployRecord(
                        from,
                        result.to().value(),
                        clock.instant().minus(result.duration()),
                        result.duration(),
                        outcome,
                        result.succeeded() ? why : result.reason()),
                AuditRecord.ROLLBACK,
                hold.by(),
                result.succeeded() ? hold.reason() : result.reason(),
                result.duration());
        if (result.succeeded() && !from.isEmpty() && !from.equals(result.to().value())) {
            state.markFailed(service.name(), from);
        }
        String event = result.succeeded() ? "rollback.done" : "rollback.failed";
        Event line = result.succeeded() ? Event.info(log, event) : Event.error(log, event);
        line.with("service", service.name())
                .digest("from", Optional.of(from).filter(Digest::isValid).map(Digest::parse))
                .digest("to", result.to())
                .with("by", hold.by())
                .duration(result.duration())
                .reason(result.succeeded() ? hold.reason() : result.reason())
                .log();
        events.operatorAction(
                service,
                event,
                Optional.of(from).filter(f -> !f.isEmpty()),
                Optional.of(result.to().value()),
                result.succeeded()
                        ? service.name() + " rolled back to " + result.to().shortForm() + " and held ("
                                + hold.describe() + ")"
                        : "rollback of " + service.name() + " to " + result.to().shortForm() + " failed: "
                                + result.reason() + "; still held");
    }
}
