package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.UnresolvedServiceException;

/**
 * What a container service's source asks of the engine before it can be deployed, read-only: a followed container
 * gives the image tag it runs ({@link ContainerResolver}); a described service must not adopt a container that differs
 * from its description ({@link AdoptionCheck}). One switch for the poll ({@code ContainerTarget.resolve}) and
 * {@code --check} ({@code ContainerPreflight}), so both say the same thing.
 */
final class ServiceResolution {
    private final ContainerResolver resolver;
    private final AdoptionCheck adoption;

    ServiceResolution(DockerGateway docker) {
        this.resolver = new ContainerResolver(docker);
        this.adoption = new AdoptionCheck(docker);
    }

    /** The service with the image it follows; throws {@link UnresolvedServiceException} with one line when it cannot. */
    ServiceConfig resolve(ServiceConfig service) {
        return switch (service.source()) {
            case CONTAINER -> resolver.resolve(service);
            case SPEC -> {
                adoption.check(service);
                yield service;
            }
            default -> service; // other targets are resolved by their own engine calls
        };
    }
}
