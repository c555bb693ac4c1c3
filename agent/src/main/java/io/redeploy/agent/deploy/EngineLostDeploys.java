package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.Recovery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the engine cut short (its daemon stopped or restarted): they may have left the old container aside and
 * stopped, or a new one half-judged, with no way to finish or undo that while the engine is gone. Each is remembered
 * ({@code event=recovery.pending}) and healed by the crash recovery as soon as the engine answers again.
 */
final class EngineLostDeploys {
    private static final Logger log = LoggerFactory.getLogger(EngineLostDeploys.class);

    private final DockerGateway docker;
    private final CrashRecovery recovery;
    private final Clock clock;
    private final Map<String, ServiceConfig> pending = new LinkedHashMap<>();

    EngineLostDeploys(DockerGateway docker, CrashRecovery recovery, Clock clock) {
        this.docker = docker;
        this.recovery = recovery;
        this.clock = clock;
    }

    /** Remembers a deploy the engine cut short; forgets one that succeeded. */
    synchronized void track(ServiceConfig service, Digest target, DeployResult result) {
        if (result.engineLost()) {
            pending.put(service.name(), service);
            Event.warn(log, "recovery.pending")
                    .with("service", service.name())
                    .digest("to", target)
                    .reason("the Docker engine stopped answering during the deploy; the service is checked and made "
                            + "whole as soon as it answers again")
                    .log();
        } else if (result.succeeded()) {
            pending.remove(service.name());
        }
    }

    synchronized boolean any() {
        return !pending.isEmpty();
    }

    /**
     * Heals the pending services once the engine answers; {@code event=recovery.done} per service, or
     * {@code event=recovery.retry} while an engine call still fails. Empty while the engine does not answer.
     */
    synchronized List<Recovery> heal() {
        if (pending.isEmpty()) {
            return List.of();
        }
        try {
            docker.ping();
        } catch (DockerGatewayException e) {
            return List.of(); // still away: the next poll tries again
        }
        List<Recovery> recoveries = new ArrayList<>();
        for (ServiceConfig service : List.copyOf(pending.values())) {
            Instant started = clock.instant();
            Recovery healed = recovery.heal(service);
            if (healed.kind() == Recovery.Kind.INCOMPLETE) {
                Event.warn(log, "recovery.retry")
                        .with("service", service.name())
                        .reason(healed.action())
                        .log();
                continue;
            }
            pending.remove(service.name());
            Event.info(log, "recovery.done")
                    .with("service", service.name())
                    .with("result", healed.kind().name().toLowerCase(Locale.ROOT))
                    .with("action", healed.action().isEmpty() ? "none: the service was whole" : healed.action())
                    .duration(Duration.between(started, clock.instant()))
                    .log();
            recoveries.add(healed);
        }
        return List.copyOf(recoveries);
    }
}
