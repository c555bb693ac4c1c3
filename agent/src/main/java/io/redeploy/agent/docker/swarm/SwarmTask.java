package io.redeploy.agent.docker.swarm;

import io.redeploy.agent.image.Digest;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One task of a service as {@code GET /tasks} lists it. The image digest comes from the task's own spec
 * ({@code Spec.ContainerSpec.Image}): Engine 20.10 reports no resolved digest in the task status, so a service whose
 * image is a bare tag has tasks without a digest.
 *
 * @param slot replica number (replicated services); empty for global services, whose tasks are per node
 * @param state the observed state ({@code running}, {@code starting}, {@code failed}, {@code rejected}, ...)
 * @param desiredState what Swarm wants it to be ({@code running}, {@code shutdown}, ...)
 * @param error the task's error ({@code Status.Err}), empty when none
 */
public record SwarmTask(
        String id,
        String serviceId,
        OptionalInt slot,
        String nodeId,
        String desiredState,
        String state,
        String message,
        String error,
        String image,
        Optional<Instant> timestamp) {

    public Optional<Digest> digest() {
        try {
            return ServiceImage.parse(image).digest();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Running now and meant to stay running (not a task that is being shut down). */
    public boolean isRunning() {
        return "running".equals(state) && "running".equals(desiredState);
    }

    public boolean runs(Digest digest) {
        return isRunning() && digest().filter(digest::equals).isPresent();
    }
}
