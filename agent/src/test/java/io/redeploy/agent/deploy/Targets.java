package io.redeploy.agent.deploy;

import io.redeploy.agent.deploy.health.HealthGateFactory;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Container targets for tests, with the production defaults for what a test does not care about. */
public final class Targets {
    private Targets() {}

    public static ContainerTarget of(DockerGateway docker, HealthGateFactory gates, Clock clock) {
        return of(docker, gates, clock, ContainerTarget.DEFAULT_PULL_TIMEOUT);
    }

    public static ContainerTarget of(DockerGateway docker, HealthGateFactory gates, Clock clock, Duration pullTimeout) {
        return of(docker, gates, clock, pullTimeout, DeployHooks.NONE);
    }

    public static ContainerTarget of(
            DockerGateway docker, HealthGateFactory gates, Clock clock, Duration pullTimeout, DeployHooks hooks) {
        return of(docker, gates, clock, pullTimeout, hooks, TrafficSwitches.NONE);
    }

    public static ContainerTarget of(
            DockerGateway docker,
            HealthGateFactory gates,
            Clock clock,
            Duration pullTimeout,
            DeployHooks hooks,
            TrafficSwitches switches) {
        return new ContainerTarget(
                docker, gates, clock, pullTimeout, hooks, switches, Optional.empty(), Redactor.none());
    }
}
