package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.call;
import static io.redeploy.agent.docker.DockerCalls.findOrEmpty;
import static io.redeploy.agent.docker.DockerCalls.shortId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.util.List;
import java.util.Optional;

/** Networks: created when missing (as compose would), the Linux bridge behind one, and endpoints with aliases. */
final class DockerNetworks {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DockerNetworks.class);

    private final DockerClient client;

    DockerNetworks(DockerClient client) {
        this.client = client;
    }

    void ensureNetwork(String name) {
        boolean exists = call(
                        "list networks",
                        () -> client.listNetworksCmd().withNameFilter(name).exec())
                .stream()
                .anyMatch(n -> n.getName().equals(name));
        if (!exists) {
            call(
                    "create network " + name,
                    () -> client.createNetworkCmd()
                            .withName(name)
                            .withDriver("bridge")
                            .withLabels(java.util.Map.of(AgentLabels.MANAGED, "true"))
                            .exec());
            io.redeploy.agent.log.Event.info(log, "docker.network_created")
                    .with("network", name)
                    .log();
        }
    }

    Optional<String> bridgeDevice(String network) {
        return findOrEmpty(
                        "inspect network " + network,
                        () -> client.inspectNetworkCmd().withNetworkId(network).exec())
                .filter(n -> "bridge".equals(n.getDriver()))
                .map(n -> Optional.ofNullable(n.getOptions())
                        .map(o -> o.get("com.docker.network.bridge.name"))
                        .filter(name -> !name.isBlank())
                        .orElse("br-" + n.getId().substring(0, 12)));
    }

    void connectNetwork(String containerId, String network, List<String> aliases) {
        call(
                "connect container " + shortId(containerId) + " to network " + network,
                () -> client.connectToNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(List.copyOf(aliases)))
                        .exec());
    }

    void disconnectNetwork(String containerId, String network) {
        call(
                "disconnect container " + shortId(containerId) + " from network " + network,
                () -> client.disconnectFromNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .exec());
    }
}
