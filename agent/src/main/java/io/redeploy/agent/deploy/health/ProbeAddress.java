package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where the agent, running on the host, reaches a container's port: its IP on the configured network
 * (or any network it has), else the host port it is published on, else loopback for host networking.
 */
final class ProbeAddress {
    private ProbeAddress() {}

    static Optional<InetSocketAddress> of(ContainerInfo container, int port, Optional<String> network) {
        if (network.filter("host"::equals).isPresent()) {
            return Optional.of(new InetSocketAddress("127.0.0.1", port));
        }
        Optional<String> ip = network.map(n -> container.ipAddresses().get(n))
                .or(() -> container.ipAddresses().values().stream().findFirst());
        if (ip.isPresent()) {
            return Optional.of(new InetSocketAddress(ip.get(), port));
        }
        return Optional.ofNullable(container.publishedPorts().get(port))
                .map(h -> new InetSocketAddress("127.0.0.1", h));
    }
}
