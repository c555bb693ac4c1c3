package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Waits for the image's own Docker HEALTHCHECK to report {@code healthy}; {@code unhealthy} fails at once. */
public final class DockerHealthcheckGate extends PollingGate {

    public DockerHealthcheckGate(
            DockerGateway docker, Clock clock, Sleeper sleeper, Duration timeout, Duration interval) {
        super(docker, clock, sleeper, timeout, interval);
    }

    @Override
    protected Probe probe(ContainerInfo container, Instant now) {
        return container
                .health()
                .map(status -> switch (status) {
                    case "healthy" -> Probe.ready();
                    case "unhealthy" -> Probe.failed("Docker HEALTHCHECK reports unhealthy");
                    default -> Probe.waiting("Docker HEALTHCHECK status is " + status);
                })
                .orElseGet(() ->
                        Probe.failed("the image has no Docker HEALTHCHECK; configure health.type http, tcp or auto"));
    }

    @Override
    public String describe() {
        return "docker-healthcheck";
    }
}
