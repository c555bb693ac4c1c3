package io.redeploy.agent.deploy.health;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.PortMapping;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;

/**
 * AUTO: the image's Docker HEALTHCHECK when it has one, else "still running after {@code interval}".
 * HTTP/TCP probe {@code health.port}, or the proxied or first configured TCP container port when it is 0.
 * A service behind the agent's port ({@code proxy}) gets a TCP probe of its port instead of "still running".
 */
public final class DefaultHealthGates implements HealthGateFactory {
    private final DockerGateway docker;
    private final Clock clock;
    private final Sleeper sleeper;

    public DefaultHealthGates(DockerGateway docker, Clock clock, Sleeper sleeper) {
        this.docker = docker;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public HealthGate gateFor(ServiceConfig service, ImageInfo image) {
        HealthCheckConfig h = service.health() == null ? HealthCheckConfig.defaults() : service.health();
        return switch (h.type()) {
            case NONE -> new NoneGate();
            case DOCKER -> new DockerHealthcheckGate(docker, clock, sleeper, h.timeout(), h.interval());
            case AUTO ->
                image.hasHealthcheck()
                        ? new DockerHealthcheckGate(docker, clock, sleeper, h.timeout(), h.interval())
                        // Behind the agent's port "still running" is not enough: clients are switched over at once.
                        : service.trafficSwitch().isPresent()
                                ? new TcpGate(
                                        docker,
                                        clock,
                                        sleeper,
                                        h.timeout(),
                                        h.interval(),
                                        service.trafficSwitch().get().containerPort(),
                                        service.network())
                                : new RunningGate(docker, clock, sleeper, h.timeout(), h.interval());
            case HTTP ->
                new HttpGate(
                        docker,
                        clock,
                        sleeper,
                        h.timeout(),
                        h.interval(),
                        port(service, h),
                        h.path(),
                        service.network());
            case TCP ->
                new TcpGate(docker, clock, sleeper, h.timeout(), h.interval(), port(service, h), service.network());
        };
    }

    private static int port(ServiceConfig service, HealthCheckConfig h) {
        if (h.port() > 0) {
            return h.port();
        }
        if (service.trafficSwitch().isPresent()) {
            return service.trafficSwitch().get().containerPort();
        }
        return service.ports().stream()
                .filter(p -> p.protocol() == null || p.protocol().equalsIgnoreCase("tcp"))
                .mapToInt(PortMapping::containerPort)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("health." + h.type().name().toLowerCase()
                                + " needs a port: set health.port for service " + service.name()));
    }
}
