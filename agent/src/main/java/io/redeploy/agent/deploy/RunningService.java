package io.redeploy.agent.deploy;

import io.redeploy.agent.image.Digest;
import java.util.Optional;
import java.util.Set;

/**
 * What runs now under a service's configured container name.
 *
 * @param repoDigests the registry digests of the container's image for the configured repository
 *                    (its RepoDigests), which is what a registry digest is compared with, never a tag
 * @param managed     the container carries the agent's labels for this service (false for a container
 *                    started by someone else, e.g. docker compose, which the first deploy adopts)
 */
public record RunningService(
        String service,
        Optional<String> containerId,
        Optional<String> imageId,
        Set<Digest> repoDigests,
        boolean running,
        boolean managed) {

    public RunningService {
        repoDigests = Set.copyOf(repoDigests);
    }

    public static RunningService absent(String service) {
        return new RunningService(service, Optional.empty(), Optional.empty(), Set.of(), false, false);
    }

    public boolean exists() {
        return containerId.isPresent();
    }

    /** True when the container's image is the one the registry serves as {@code d}. */
    public boolean runs(Digest d) {
        return repoDigests.contains(d);
    }
}
