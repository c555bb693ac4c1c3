package io.redeploy.agent.deploy;

import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.docker.ContainerInfo;
import java.util.Optional;

/**
 * A deploy that is ready to swap containers: the new image is pulled and tagged, its gate chosen, the hooks agreed.
 *
 * @param old       the container that serves now, if any (running or not)
 * @param container how the new container is made (from the spec, or as a copy of the old one)
 * @param tag       the local tag now naming the new build, pointed back by a rollback
 */
record Swap(Attempt attempt, Optional<ContainerInfo> old, NewContainer container, HealthGate gate, LocalTag tag) {}
