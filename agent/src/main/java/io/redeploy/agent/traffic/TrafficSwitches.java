package io.redeploy.agent.traffic;

import java.util.Optional;

/** The traffic switch of each service that has one ({@code proxy:} or {@code traffic:} in its configuration). */
@FunctionalInterface
public interface TrafficSwitches {
    TrafficSwitches NONE = service -> Optional.empty();

    Optional<TrafficSwitch> forService(String service);
}
