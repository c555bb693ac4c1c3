package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthCheckFailedException;
import io.redeploy.agent.deploy.health.HealthGateFactory;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import java.util.List;
import java.util.Optional;

/** Judges a container an interrupted deploy left: the service's own health gate, as the deploy would have. */
final class RecoveryGate {
    private final DockerGateway docker;
    private final HealthGateFactory gates;

    RecoveryGate(DockerGateway docker, HealthGateFactory gates) {
        this.docker = docker;
        this.gates = gates;
    }

    /** Why the container is not healthy; empty when it passed its gate. Throws when interrupted. */
    Optional<String> problem(ServiceConfig service, ContainerInfo container) throws InterruptedException {
        ImageInfo image = docker.inspectImage(container.imageId())
                .orElse(new ImageInfo(container.imageId(), List.of(), List.of(), false));
        try {
            gates.gateFor(service, image).await(container.id());
            return Optional.empty();
        } catch (HealthCheckFailedException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    boolean healthy(ServiceConfig service, ContainerInfo container) {
        try {
            return problem(service, container).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
