package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The loop every probing gate shares: inspect the container, fail fast if it stopped, probe, sleep
 * {@code interval}, until ready or {@code timeout} has passed.
 */
abstract class PollingGate implements HealthGate {
    private final DockerGateway docker;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration timeout;
    private final Duration interval;

    PollingGate(DockerGateway docker, Clock clock, Sleeper sleeper, Duration timeout, Duration interval) {
        this.docker = docker;
        this.clock = clock;
        this.sleeper = sleeper;
        this.timeout = timeout;
        this.interval = interval.isZero() || interval.isNegative() ? Duration.ofMillis(100) : interval;
    }

    /** One attempt; called only while the container is running. */
    protected abstract Probe probe(ContainerInfo container, Instant now);

    @Override
    public final void await(String containerId) throws HealthCheckFailedException, InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        String lastReason = "not probed yet";
        while (true) {
            ContainerInfo container = docker.inspectContainer(containerId)
                    .orElseThrow(() -> new HealthCheckFailedException("container disappeared during the health check"));
            if (container.exitedOrRestarting()) {
                throw new HealthCheckFailedException("container " + container.status()
                        + " during the health check (exit code " + container.exitCode() + ")");
            }
            Instant now = clock.instant();
            if (container.running()) {
                Probe probe = probe(container, now);
                switch (probe.state()) {
                    case READY -> {
                        return;
                    }
                    case FAILED -> throw new HealthCheckFailedException(probe.detail());
                    case WAITING -> lastReason = probe.detail();
                }
            } else {
                lastReason = "container is " + container.status();
            }
            if (!now.isBefore(deadline)) {
                throw new HealthCheckFailedException(
                        describe() + " not healthy within " + timeout.toMillis() / 1000.0 + "s: " + lastReason);
            }
            Duration left = Duration.between(now, deadline);
            sleeper.sleep(left.compareTo(interval) < 0 ? left : interval);
        }
    }

    record Probe(State state, String detail) {
        enum State {
            READY,
            WAITING,
            FAILED
        }

        static Probe ready() {
            return new Probe(State.READY, "ready");
        }

        static Probe waiting(String why) {
            return new Probe(State.WAITING, why);
        }

        static Probe failed(String why) {
            return new Probe(State.FAILED, why);
        }
    }
}
