package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.traffic.ForwardTarget;
import java.util.Optional;

/**
 * Where a traffic switch dials one container, whoever created it: the loopback host port its proxied container port
 * is published on (how the agent creates it), else its IP on any network and the container port itself (a copy of a
 * followed container, e.g. from docker compose, publishes nothing of the agent's).
 */
final class ProxyTargets {
    private ProxyTargets() {}

    static Optional<ForwardTarget> of(ContainerInfo container, int containerPort) {
        Integer published = container.publishedPorts().get(containerPort);
        if (published != null) {
            return Optional.of(new ForwardTarget(container.shortId(), ContainerSpecs.PROXY_PUBLISH_IP, published));
        }
        return container.ipAddresses().values().stream()
                .findFirst()
                .map(ip -> new ForwardTarget(container.shortId(), ip, containerPort));
    }
}
