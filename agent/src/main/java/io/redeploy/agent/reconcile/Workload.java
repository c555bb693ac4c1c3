package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * What runs now for a service, as its deploy target sees it (a container on this engine, a Swarm service).
 *
 * @param id            the container's (or Swarm service's) id; empty when nothing runs under the service's name
 * @param imageId       the local image id it runs
 * @param repoDigests   the registry digests of that image for the watched repository (its RepoDigests): what a
 *                      registry digest is compared with, never a tag
 * @param running       it runs (a container created, exited or restarting does not)
 * @param managed       it carries the agent's labels for this service (false for a container someone else started,
 *                      e.g. docker compose, which the first deploy adopts)
 * @param labelDigest   the digest the agent created it from (its label), when it did
 * @param imageFacts    the running image's labels and environment, which a policy compares with a candidate's;
 *                      empty when the image could not be inspected
 * @param status        what it is doing, for operators: {@code running}, {@code exited (exit code 1)}, {@code created},
 *                      {@code restarting}, {@code absent}
 */
public record Workload(
        String service,
        Optional<String> id,
        Optional<String> imageId,
        Set<Digest> repoDigests,
        boolean running,
        boolean managed,
        Optional<Digest> labelDigest,
        Optional<ImageFacts> imageFacts,
        String status) {

    public Workload {
        repoDigests = Set.copyOf(repoDigests);
        status = status == null || status.isEmpty()
                ? (id.isEmpty() ? "absent" : running ? "running" : "stopped")
                : status;
    }

    public static Workload absent(String service) {
        return new Workload(
                service,
                Optional.empty(),
                Optional.empty(),
                Set.of(),
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                "");
    }

    public boolean exists() {
        return id.isPresent();
    }

    /** True when its image is the one the registry serves as {@code d}. */
    public boolean runs(Digest d) {
        return repoDigests.contains(d);
    }

    /**
     * The digest it runs as operators should see it: the registry's when it is among the RepoDigests, else the
     * smallest one (stable from poll to poll); empty when nothing exists.
     */
    public Optional<Digest> shownDigest(Optional<Digest> registryDigest) {
        if (!exists()) {
            return Optional.empty();
        }
        return registryDigest
                .filter(this::runs)
                .or(() -> repoDigests.stream().min(Comparator.comparing(Digest::value)));
    }

    /** The digest a deploy goes from: the agent's label when it agrees with the image, else a RepoDigest. */
    public Optional<Digest> currentDigest() {
        Optional<Digest> labelled = labelDigest.filter(d -> repoDigests.isEmpty() || runs(d));
        return labelled.isPresent() ? labelled : repoDigests.stream().min(Comparator.comparing(Digest::value));
    }
}
