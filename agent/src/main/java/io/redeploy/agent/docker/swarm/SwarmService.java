package io.redeploy.agent.docker.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.image.Digest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Swarm service as {@code GET /services/{id}} returns it, with its full spec kept as the engine sent it: an update
 * sends that spec back with only the image (and any requested UpdateConfig field) changed, so fields this agent does
 * not model (secrets, mounts, placement, networks, labels) survive untouched.
 *
 * @param versionIndex {@code Version.Index}: an update must name it, and fails if another writer changed the service
 * @param replicas the desired replica count of a replicated service; empty for global services
 * @param updateStatus absent until Swarm's updater first reports on the current spec
 */
public record SwarmService(
        String id,
        String name,
        long versionIndex,
        Mode mode,
        OptionalLong replicas,
        String image,
        SwarmUpdateConfig updateConfig,
        Optional<SwarmUpdateStatus> updateStatus,
        ObjectNode spec) {

    /** How Swarm schedules the service's tasks. */
    public enum Mode {
        /** A fixed number of replicas. */
        REPLICATED,
        /** One task on every eligible node. */
        GLOBAL,
        /** Replicated or global jobs (API 1.41), which the agent does not update. */
        JOB
    }

    public SwarmService {
        spec = spec.deepCopy();
    }

    /** A copy: the caller may change it without changing this service. */
    @Override
    public ObjectNode spec() {
        return spec.deepCopy();
    }

    /** The digest the spec pins, if the image carries one. */
    public Optional<Digest> digest() {
        try {
            return ServiceImage.parse(image).digest();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
