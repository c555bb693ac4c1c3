package io.redeploy.agent.deploy;

import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps and outcomes of deploys, as log lines and {@link DeployResult}s, written the same way by both swap
 * strategies: {@code deploy.start}, {@code deploy.pulled}, {@code deploy.healthy}, {@code deploy.done},
 * {@code deploy.failed}, {@code deploy.skipped}, {@code deploy.rollback}.
 */
final class AttemptLog {
    private static final Logger log = LoggerFactory.getLogger(AttemptLog.class);

    private final Clock clock;
    private final Redactor redactor;

    AttemptLog(Clock clock) {
        this(clock, Redactor.none());
    }

    /** @param redactor the configured secrets; each attempt adds its service's environment values */
    AttemptLog(Clock clock, Redactor redactor) {
        this.clock = clock;
        this.redactor = redactor;
    }

    /** Every reason leaves through here: secrets and the service's env values hidden, the length capped. */
    private String safe(Attempt attempt, String reason) {
        return redactor.withEnv(attempt.service().env()).reason(reason);
    }

    Duration elapsed(Attempt attempt) {
        return Duration.between(attempt.started(), clock.instant());
    }

    void started(Attempt attempt, boolean adopting) {
        about(Event.info(log, "deploy.start"), attempt)
                .with("adopting", adopting)
                .log();
    }

    void pulled(Attempt attempt) {
        Event.info(log, "deploy.pulled")
                .with("service", attempt.name())
                .digest("to", attempt.to())
                .duration(elapsed(attempt))
                .log();
    }

    /** @param strategy empty for stop-first, whose lines predate the field */
    void healthy(Attempt attempt, HealthGate gate, Optional<String> strategy) {
        Event event = Event.info(log, "deploy.healthy")
                .with("service", attempt.name())
                .digest("to", attempt.to())
                .with("gate", gate.describe());
        strategy.ifPresent(s -> event.with("strategy", s));
        event.duration(elapsed(attempt)).log();
    }

    /** Logs {@code deploy.done}; returns how long the deploy took. */
    Duration done(Attempt attempt, Optional<String> strategy) {
        Duration duration = elapsed(attempt);
        Event event = about(Event.info(log, "deploy.done"), attempt);
        strategy.ifPresent(s -> event.with("strategy", s));
        event.duration(duration).log();
        return duration;
    }

    /** The service already runs the digest: nothing was pulled or restarted. */
    DeployResult alreadyRunning(Attempt attempt) {
        return new DeployResult(
                attempt.name(),
                attempt.from(),
                attempt.to(),
                Outcome.DEPLOYED,
                "already running " + attempt.to().shortForm(),
                elapsed(attempt));
    }

    /** A deploy that stopped before the old container was touched. */
    DeployResult failed(Attempt attempt, String step, String cause, boolean engineLost) {
        return ended(
                attempt,
                Outcome.FAILED,
                about(Event.error(log, "deploy.failed"), attempt),
                step + " failed: " + cause,
                engineLost);
    }

    DeployResult failed(Attempt attempt, String step, DockerGatewayException e) {
        return failed(attempt, step, e.getMessage(), e instanceof DockerUnreachableException);
    }

    /** A pre-update hook said "not now": nothing was touched; the next poll tries again. */
    DeployResult skipped(Attempt attempt, String unsafeReason) {
        return ended(attempt, Outcome.SKIPPED, about(Event.info(log, "deploy.skipped"), attempt), unsafeReason, false);
    }

    /** Stop-first: the new build failed after the old container was set aside; {@code restored} says if it is back. */
    DeployResult rolledBack(Attempt attempt, String reason, boolean engineLost, boolean restored) {
        Event line = about(Event.error(log, "deploy.rollback"), attempt).with("restored", restored);
        return ended(attempt, Outcome.ROLLED_BACK, line, reason, engineLost);
    }

    /** Start-first: the new build failed before the switch and was removed; the old container was never touched. */
    DeployResult discarded(Attempt attempt, String reason, boolean engineLost) {
        Event line = about(Event.error(log, "deploy.rollback"), attempt)
                .with("strategy", "start-first")
                .with("old_touched", false);
        return ended(attempt, Outcome.ROLLED_BACK, line, reason, engineLost);
    }

    /** The fields every line of one deploy starts with. */
    private static Event about(Event line, Attempt attempt) {
        return line.with("service", attempt.name())
                .digest("from", attempt.from())
                .digest("to", attempt.to());
    }

    /** The deploy's last line (with its reason, secrets hidden, and duration) and its result. */
    private DeployResult ended(Attempt attempt, Outcome outcome, Event line, String unsafeReason, boolean engineLost) {
        String reason = safe(attempt, unsafeReason);
        Duration duration = elapsed(attempt);
        line.reason(reason).duration(duration).log();
        return new DeployResult(attempt.name(), attempt.from(), attempt.to(), outcome, reason, duration, engineLost);
    }

    /**
     * {@code step failed: cause; <what the undo could not do>; last log lines: ...}: the log tail last, so that
     * notifications can leave it out ({@link DeployResult#reasonWithoutLogTail()}).
     */
    static String reason(String step, String cause, Rollback.Restored restored, String incompleteLabel) {
        StringBuilder reason = new StringBuilder(step).append(" failed: ").append(cause);
        if (!restored.complete()) {
            reason.append("; ").append(incompleteLabel).append(": ").append(String.join("; ", restored.problems()));
        }
        if (!restored.newContainerLogs().isEmpty()) {
            reason.append(DeployResult.LOG_TAIL)
                    .append(restored.newContainerLogs().replace("\r", "").replace("\n", " | "));
        }
        return reason.toString();
    }
}
