package io.redeploy.agent.docker.swarm;

import java.util.List;

/**
 * A service update the engine accepted: Swarm now rolls it out on its own ({@link SwarmUpdateFollower} follows it).
 *
 * @param fromVersion the {@code Version.Index} the update replaced
 * @param warnings the engine's warnings (e.g. an image it could not resolve on the manager), empty when none
 */
public record SwarmUpdateSubmitted(
        String serviceId, String serviceName, long fromVersion, String image, List<String> warnings) {}
