package io.redeploy.agent.proxy;

import java.util.Optional;

/** The agent-owned port of each service that has one ({@code proxy:} in its configuration). */
@FunctionalInterface
public interface TrafficSwitches {
    TrafficSwitches NONE = service -> Optional.empty();

    Optional<TrafficSwitch> forService(String service);
}
