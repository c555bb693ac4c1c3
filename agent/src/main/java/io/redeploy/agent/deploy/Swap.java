package io.redeploy.agent.deploy;

import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import java.util.Optional;

/**
 * A deploy that is ready to swap containers: the new image is pulled, its gate chosen, the hooks agreed.
 *
 * @param old  the container that serves now, if any (running or not)
 * @param spec the new container as the stop-first path creates it (configured name, aliases)
 */
record Swap(Attempt attempt, Optional<ContainerInfo> old, ContainerSpec spec, HealthGate gate) {}
