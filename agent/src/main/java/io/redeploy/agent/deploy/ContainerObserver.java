package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.RepoDigests;
import io.redeploy.agent.reconcile.Workload;
import java.util.Optional;
import java.util.Set;

/** Describes the container under a service's name as a {@link Workload}: its image's digests and facts. */
final class ContainerObserver {
    private final DockerGateway docker;

    ContainerObserver(DockerGateway docker) {
        this.docker = docker;
    }

    /** Throws {@link io.redeploy.agent.docker.DockerGatewayException} when the engine cannot be asked. */
    Workload workload(ServiceConfig service, Optional<ContainerInfo> container) {
        if (container.isEmpty()) {
            return Workload.absent(service.name());
        }
        ContainerInfo c = container.get();
        Optional<ImageInfo> image = docker.inspectImage(c.imageId());
        Set<Digest> digests = image.map(
                        i -> RepoDigests.of(i.repoDigests(), service.image().dockerName()))
                .orElse(Set.of());
        String label = c.labels().get(AgentLabels.DIGEST);
        return new Workload(
                service.name(),
                Optional.of(c.id()),
                Optional.of(c.imageId()),
                digests,
                c.running(),
                AgentLabels.isManagedFor(c.labels(), service.name()),
                Digest.isValid(label) ? Optional.of(Digest.parse(label)) : Optional.empty(),
                image.map(ImageInfo::facts),
                describe(c));
    }

    /** {@code running}, {@code exited (exit code 137)}, {@code created}, {@code restarting (3 restarts)}. */
    static String describe(ContainerInfo c) {
        return switch (c.status()) {
            case "exited", "dead" -> c.status() + " (exit code " + c.exitCode() + ")";
            case "restarting" -> "restarting (" + c.restartCount() + " restarts)";
            default -> c.status();
        };
    }
}
