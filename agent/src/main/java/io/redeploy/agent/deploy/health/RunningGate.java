package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * For images without a HEALTHCHECK and no probe configured: ready once the container has kept running,
 * without being restarted, for {@code stableFor}. Catches the build that crashes right after start.
 */
public final class RunningGate extends PollingGate {
    private final Duration stableFor;
    private Instant firstSeenRunning;
    private int restartCountAtStart = -1;

    public RunningGate(DockerGateway docker, Clock clock, Sleeper sleeper, Duration timeout, Duration stableFor) {
        super(docker, clock, sleeper, timeout, stableFor);
        this.stableFor = stableFor;
    }

    @Override
    protected Probe probe(ContainerInfo container, Instant now) {
        if (firstSeenRunning == null) {
            firstSeenRunning = now;
            restartCountAtStart = container.restartCount();
        }
        // Docker resets RestartCount on every API start, so any count above 0 means the restart policy
        // brought the container back after it died, since the deploy (or restart) started it.
        if (container.restartCount() != restartCountAtStart || container.restartCount() > 0) {
            return Probe.failed(
                    "container was restarted " + container.restartCount() + " time(s) by its restart policy");
        }
        Duration up = Duration.between(firstSeenRunning, now);
        return up.compareTo(stableFor) >= 0 ? Probe.ready() : Probe.waiting("running for " + up.toMillis() + "ms only");
    }

    @Override
    public String describe() {
        return "running-for-" + stableFor.toMillis() + "ms";
    }
}
