package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSettings;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import java.util.List;
import java.util.Optional;

/**
 * Before a service described in agent.yml adopts a container someone else created under its name: where the two
 * differ ({@link SpecDrift}), the container is left alone and the differences are the service's one-line problem,
 * until the operator says which wins ({@code adopt: spec} or {@code adopt: container}).
 */
final class AdoptionCheck {
    private final DockerGateway docker;

    AdoptionCheck(DockerGateway docker) {
        this.docker = docker;
    }

    /** Throws {@link UnresolvedServiceException} naming the differences; returns quietly when there is nothing to ask. */
    void check(ServiceConfig service) {
        if (service.adopt() != ServiceConfig.Adopt.ASK) {
            return;
        }
        Optional<ContainerInfo> container = docker.inspectContainer(service.containerName());
        if (container.isEmpty() || container.get().managed()) {
            return; // nothing to adopt, or the agent's own (another service's container is refused elsewhere)
        }
        Optional<ContainerSettings> settings = docker.settings(container.get().id());
        List<String> differences =
                settings.map(s -> SpecDrift.between(service, s)).orElse(List.of());
        if (!differences.isEmpty()) {
            String key = "services." + service.name() + ".adopt";
            throw new UnresolvedServiceException("container " + service.containerName()
                    + " was not created by the agent and differs from services." + service.name() + " in agent.yml ("
                    + String.join("; ", differences) + "); it is left as it is until you choose: " + key
                    + ": spec (agent.yml replaces it at the next deploy) or " + key
                    + ": container (its own settings are kept)");
        }
    }
}
