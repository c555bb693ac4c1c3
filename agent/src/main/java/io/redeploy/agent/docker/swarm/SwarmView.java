package io.redeploy.agent.docker.swarm;

import java.util.List;
import java.util.Optional;

/** What {@link SwarmUpdateFollower} reads on each poll; {@link SwarmApi} is the real one. */
public interface SwarmView {
    Optional<SwarmService> inspectService(String nameOrId);

    List<SwarmTask> tasks(String serviceId);
}
