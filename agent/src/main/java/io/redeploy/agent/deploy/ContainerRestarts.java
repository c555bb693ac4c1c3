package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthCheckFailedException;
import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.deploy.health.HealthGateFactory;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.StateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a service's existing container (back) up and waits for its health gate: a restart after a dependency it
 * follows ({@code restart_on_dependency_update}) was recreated (one engine call, journaled, so a kill meanwhile cannot
 * leave it stopped), or a start of a container found stopped ({@code revive_stopped}).
 */
final class ContainerRestarts {
    private static final Logger log = LoggerFactory.getLogger(ContainerRestarts.class);

    private final DockerGateway docker;
    private final HealthGateFactory gates;
    private final TrafficPointer traffic;
    private final DeployJournal journal;
    private final Clock clock;

    ContainerRestarts(
            DockerGateway docker, HealthGateFactory gates, TrafficPointer traffic, DeployJournal journal, Clock clock) {
        this.docker = docker;
        this.gates = gates;
        this.traffic = traffic;
        this.journal = journal;
        this.clock = clock;
    }

    /**
     * Journals the restart as due (step {@code RESTART_DUE}) for the service's container, if it has one the agent may
     * touch; best effort: without the entry, a kill before the restart only skips it, as before.
     */
    void due(ServiceConfig service) {
        try {
            docker.inspectContainer(service.containerName())
                    .filter(c -> Ownership.mayTouch(c, service))
                    .ifPresent(c ->
                            journal.record(entry(service, c, clock.instant()).at(JournalEntry.Step.RESTART_DUE)));
        } catch (DockerGatewayException | StateException e) {
            Event.warn(log, "deploy.restart_skipped")
                    .with("service", service.name())
                    .reason("could not journal the due restart: " + e.getMessage())
                    .log();
        }
    }

    private static JournalEntry entry(ServiceConfig service, ContainerInfo c, Instant started) {
        return JournalEntry.begin(
                service.name(),
                JournalEntry.Strategy.RESTART,
                Optional.of(c),
                Optional.empty(),
                c.labels().getOrDefault(AgentLabels.DIGEST, ""),
                started,
                Optional.empty());
    }

    /** False, after logging why, when there was nothing to restart or it did not come back healthy. */
    boolean restart(ServiceConfig service) {
        Instant started = clock.instant();
        try {
            Optional<ContainerInfo> container = docker.inspectContainer(service.containerName());
            if (container.isEmpty() || !Ownership.mayTouch(container.get(), service)) {
                journal.close(service.name()); // a due entry, if any: there is nothing of ours to restart
            }
            if (container.isEmpty()) {
                skipped(service, "no container named " + service.containerName());
                return false;
            }
            ContainerInfo c = container.get();
            if (!Ownership.mayTouch(c, service)) {
                skipped(service, "container belongs to service " + c.labels().get(AgentLabels.SERVICE));
                return false;
            }
            journal.record(entry(service, c, started).at(JournalEntry.Step.RESTART));
            docker.restart(c.id(), service.stopTimeout());
            HealthGate gate = awaitHealthy(service, c);
            journal.close(service.name());
            Event.info(log, "deploy.restart")
                    .with("service", service.name())
                    .with("gate", gate.describe())
                    .duration(Duration.between(started, clock.instant()))
                    .log();
            return true;
        } catch (DockerGatewayException | HealthCheckFailedException | IllegalArgumentException | StateException e) {
            return failed("deploy.restart_failed", service, e, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the stopped container under the service's name; false, after logging why, when it did not come up. */
    boolean revive(ServiceConfig service) {
        Instant started = clock.instant();
        try {
            Optional<ContainerInfo> container = docker.inspectContainer(service.containerName())
                    .filter(c -> Ownership.mayTouch(c, service) && !c.running());
            if (container.isEmpty()) {
                return false;
            }
            ContainerInfo c = container.get();
            docker.start(c.id());
            HealthGate gate = awaitHealthy(service, c);
            Event.warn(log, "service.revived")
                    .with("service", service.name())
                    .with("was", ContainerObserver.describe(c))
                    .with("gate", gate.describe())
                    .duration(Duration.between(started, clock.instant()))
                    .log();
            return true;
        } catch (DockerGatewayException | HealthCheckFailedException | IllegalArgumentException e) {
            return failed("service.revive_failed", service, e, started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void skipped(ServiceConfig service, String reason) {
        Event.warn(log, "deploy.restart_skipped")
                .with("service", service.name())
                .reason(reason)
                .log();
    }

    /**
     * The health gate of the container's image, awaited; then the traffic switch follows it (a (re)start gives a
     * proxied container its ephemeral port anew).
     */
    private HealthGate awaitHealthy(ServiceConfig service, ContainerInfo c)
            throws HealthCheckFailedException, InterruptedException {
        ImageInfo image =
                docker.inspectImage(c.imageId()).orElse(new ImageInfo(c.imageId(), List.of(), List.of(), false));
        HealthGate gate = gates.gateFor(service, image);
        gate.await(c.id());
        docker.inspectContainer(c.id()).ifPresent(up -> traffic.follow(service, up));
        return gate;
    }

    private boolean failed(String event, ServiceConfig service, Exception e, Instant started) {
        Event.error(log, event)
                .with("service", service.name())
                .reason(e.getMessage())
                .duration(Duration.between(started, clock.instant()))
                .log();
        return false;
    }
}
