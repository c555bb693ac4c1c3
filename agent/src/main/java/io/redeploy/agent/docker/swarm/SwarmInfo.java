package io.redeploy.agent.docker.swarm;

/**
 * What {@code GET /info} says about the engine's place in a swarm.
 *
 * @param localNodeState {@code inactive}, {@code pending}, {@code active}, {@code error} or {@code locked}
 * @param controlAvailable true on a manager: only managers answer the services, tasks and nodes API
 */
public record SwarmInfo(
        String localNodeState, boolean controlAvailable, String nodeId, String nodeAddress, int nodes, int managers) {

    public boolean isManager() {
        return "active".equals(localNodeState) && controlAvailable;
    }
}
