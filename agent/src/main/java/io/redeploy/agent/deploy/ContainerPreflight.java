package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import java.util.Optional;

/**
 * What {@code --check} asks the engine, read-only, before the agent runs: a followed container that cannot be
 * followed, or a described service whose running container differs from its description. The same checks the first
 * poll makes ({@link ServiceResolution}), so {@code --check} and {@code /status} say the same thing.
 */
public final class ContainerPreflight {
    private final ServiceResolution resolution;

    public ContainerPreflight(DockerGateway docker) {
        this.resolution = new ServiceResolution(docker);
    }

    /** Why the service cannot be deployed as configured; empty when nothing stands in the way. */
    public Optional<String> problem(ServiceConfig service) {
        try {
            resolution.resolve(service);
            return Optional.empty();
        } catch (UnresolvedServiceException e) {
            return Optional.of(e.getMessage());
        }
    }
}
