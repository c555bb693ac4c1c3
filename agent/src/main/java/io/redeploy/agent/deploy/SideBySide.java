package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.traffic.TrafficSwitch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether the old and the new container of a start-first deploy can run side by side, and what moves from one to
 * the other at the switch: network aliases on user-defined networks, and/or a traffic switch in front.
 */
final class SideBySide {
    private SideBySide() {}

    /** Why the swap cannot start, or empty when it can; {@code port} is the service's traffic switch, if it has one. */
    static Optional<String> refusal(Swap swap, Optional<TrafficSwitch> port) {
        ServiceConfig service = swap.attempt().service();
        if (publishesHostPorts(swap)
                || (aliasesToMove(swap).isEmpty() && service.trafficSwitch().isEmpty())) {
            // The config loader refuses this for the spec; a followed container may publish ports it cannot share.
            return Optional.of(
                    "start-first needs network aliases on a user-defined network, or a proxy, and no published host "
                            + "ports (the old and the new container run side by side)");
        }
        if (service.trafficSwitch().isPresent() && port.isEmpty()) {
            return Optional.of(
                    service.traffic().isPresent()
                            ? "the agent has no traffic switch ("
                                    + service.trafficSwitch().get().describe() + ") for this service"
                            : "the agent does not listen on "
                                    + service.trafficSwitch().get().describe() + " for this service");
        }
        return Optional.empty();
    }

    /**
     * The aliases the new container takes over at the switch: the configured ones on the service's network, or, for a
     * followed container, the ones the old container has on each user-defined network.
     */
    static Map<String, List<String>> aliasesToMove(Swap swap) {
        ServiceConfig service = swap.attempt().service();
        if (swap.container() instanceof NewContainer.CopyOf) {
            return swap.old().map(ContainerInfo::userAliases).orElse(Map.of()).entrySet().stream()
                    .filter(e -> !ContainerSpecs.isBuiltInNetwork(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
        String network = service.network().orElse("");
        return network.isEmpty()
                        || ContainerSpecs.isBuiltInNetwork(network)
                        || service.networkAliases().isEmpty()
                ? Map.of()
                : Map.of(network, service.networkAliases());
    }

    /** Two containers cannot publish the same host port: the old and the new one run side by side. */
    private static boolean publishesHostPorts(Swap swap) {
        if (swap.container() instanceof NewContainer.CopyOf) {
            return swap.old().map(o -> !o.publishedPorts().isEmpty()).orElse(false);
        }
        return !swap.attempt().service().ports().isEmpty();
    }
}
