package io.redeploy.agent.docker.swarm;

/**
 * A node of the swarm as {@code GET /nodes} lists it.
 *
 * @param role {@code manager} or {@code worker}
 * @param availability {@code active}, {@code pause} or {@code drain}
 * @param state {@code ready}, {@code down}, {@code unknown} or {@code disconnected}
 * @param address the address the node is reached at ({@code Status.Addr})
 */
public record SwarmNode(
        String id,
        String hostname,
        String role,
        String availability,
        String state,
        String address,
        String engineVersion,
        boolean leader) {}
