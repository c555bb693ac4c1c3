package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;

/** Which containers the agent may stop, rename or remove for a service: nothing it does not own is ever touched. */
final class Ownership {
    private Ownership() {}

    /** The agent's own container for this service, or one found under the exact configured name (adoption). */
    static boolean mayTouch(ContainerInfo container, ServiceConfig service) {
        return !container.managed() || AgentLabels.isManagedFor(container.labels(), service.name());
    }

    /** Created by the agent for this service (its labels say so). */
    static boolean isOurs(ContainerInfo container, ServiceConfig service) {
        return AgentLabels.isManagedFor(container.labels(), service.name());
    }
}
