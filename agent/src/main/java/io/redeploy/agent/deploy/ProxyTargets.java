package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.traffic.ForwardTarget;
import java.util.Optional;

/**
 * Where the agent's port forwards to for one container: the loopback host port its proxied container port is
 * published on (how the agent creates it), else, for a container the agent did not create (adopted, e.g. from
 * docker compose, publishing nothing), its IP on any network and the container port itself.
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

    /** Only the published port: a container the agent just created must have one, or something is wrong. */
    static Optional<ForwardTarget> published(ContainerInfo container, int containerPort) {
        return Optional.ofNullable(container.publishedPorts().get(containerPort))
                .map(port -> new ForwardTarget(container.shortId(), ContainerSpecs.PROXY_PUBLISH_IP, port));
    }
}
