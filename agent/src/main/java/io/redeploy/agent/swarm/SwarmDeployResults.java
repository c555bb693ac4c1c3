package io.redeploy.agent.swarm;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.DeployResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Swarm deploy ended, as the core's {@link DeployResult} and the same {@code deploy.*} line a container deploy
 * logs (operators grep one set of events for both); what Swarm reported is put in the reason in its own words.
 */
final class SwarmDeployResults {
    private static final Logger log = LoggerFactory.getLogger(SwarmDeployResults.class);

    private final Clock clock;

    SwarmDeployResults(Clock clock) {
        this.clock = clock;
    }

    /** What following the update to its end found. */
    DeployResult followed(
            ServiceConfig service, Optional<Digest> from, Digest target, SwarmUpdateOutcome outcome, Instant started) {
        String tasks = " (" + outcome.runningOnTarget() + "/" + outcome.desired() + " tasks on the new digest)";
        String swarmSays = outcome.message().isEmpty() ? "" : ": " + outcome.message();
        return switch (outcome.result()) {
            case DEPLOYED ->
                result(
                        service,
                        from,
                        target,
                        DeployResult.Outcome.DEPLOYED,
                        "Swarm completed the update" + tasks,
                        started);
            case ROLLED_BACK ->
                result(
                        service,
                        from,
                        target,
                        DeployResult.Outcome.ROLLED_BACK,
                        "Swarm rolled the update back" + swarmSays
                                + outcome.taskError().map(t -> "; task: " + t).orElse(""),
                        started);
            case PAUSED ->
                result(
                        service,
                        from,
                        target,
                        DeployResult.Outcome.ROLLED_BACK,
                        "Swarm paused the update" + swarmSays + tasks + "; left for the operator (docker service"
                                + " update --rollback or --force)",
                        started);
            case FAILED, TIMED_OUT ->
                failed(
                        service,
                        from,
                        target,
                        "update failed: " + outcome.result().label() + swarmSays + tasks,
                        started);
        };
    }

    /** The deploy could not be sent or followed. */
    DeployResult failed(ServiceConfig service, Optional<Digest> from, Digest to, String reason, Instant started) {
        return result(service, from, to, DeployResult.Outcome.FAILED, reason, started);
    }

    private DeployResult result(
            ServiceConfig service,
            Optional<Digest> from,
            Digest to,
            DeployResult.Outcome outcome,
            String reason,
            Instant started) {
        Duration duration = Duration.between(started, clock.instant());
        Event event = switch (outcome) {
            case DEPLOYED -> Event.info(log, "deploy.done");
            case ROLLED_BACK -> Event.error(log, "deploy.rollback");
            default -> Event.error(log, "deploy.failed");
        };
        event.with("service", service.name())
                .digest("from", from)
                .digest("to", to)
                .with("strategy", "swarm");
        if (outcome != DeployResult.Outcome.DEPLOYED) {
            event.reason(reason);
        }
        event.duration(duration).log();
        return new DeployResult(service.name(), from, to, outcome, reason, duration);
    }
}
