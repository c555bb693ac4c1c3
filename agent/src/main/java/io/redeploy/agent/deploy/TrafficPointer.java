package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.proxy.TrafficSwitches;
import java.util.List;

/**
 * Keeps the traffic switch of each {@code proxy:} service pointed at the container that serves it: after a restart
 * of the agent, after recovery, and whenever Docker restarted a container (a new ephemeral port).
 */
final class TrafficPointer {
    private final DockerGateway docker;
    private final TrafficSwitches switches;

    TrafficPointer(DockerGateway docker, TrafficSwitches switches) {
        this.docker = docker;
        this.switches = switches;
    }

    /**
     * Points every {@code proxy:} service at the container under its name, else at the new container of a start-first
     * deploy interrupted after its switch (recovery renames it). Throws when the engine cannot be asked.
     */
    synchronized void pointAll(List<ServiceConfig> services) {
        for (ServiceConfig service : services) {
            if (service.proxy().isEmpty()) {
                continue;
            }
            docker.inspectContainer(service.containerName())
                    .filter(ContainerInfo::running)
                    .or(() -> docker.inspectContainer(ContainerNames.starting(service.containerName()))
                            .filter(c -> c.running() && Ownership.isOurs(c, service)))
                    .ifPresent(c -> follow(service, c));
        }
    }

    /** Points the service's switch at {@code serving}, when the service has one. */
    synchronized void follow(ServiceConfig service, ContainerInfo serving) {
        service.proxy()
                .ifPresent(proxy -> switches.forService(service.name())
                        .ifPresent(port ->
                                ProxyTargets.of(serving, proxy.containerPort()).ifPresent(port::switchTo)));
    }
}
