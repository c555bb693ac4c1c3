package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.TrafficConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitchException;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the traffic switch of each service behind one ({@code proxy:} or {@code traffic:}) pointed at the container
 * that serves it: at the agent's start, after recovery, and every poll, which also makes a reverse proxy that lost
 * the route (restarted, reloaded) run it again, and follows a container Docker restarted (a new ephemeral port).
 */
final class TrafficPointer {
    private static final Logger log = LoggerFactory.getLogger(TrafficPointer.class);

    private final DockerGateway docker;
    private final TrafficSwitches switches;
    /** Services whose reverse proxy failed the last time: one WARN per outage, one INFO once it answers again. */
    private final Set<String> failing = new HashSet<>();

    TrafficPointer(DockerGateway docker, TrafficSwitches switches) {
        this.docker = docker;
        this.switches = switches;
    }

    /**
     * Points every service with a switch at the container under its name, else at the new container of a start-first
     * deploy interrupted after its switch (recovery renames it). Throws when the engine cannot be asked; a reverse
     * proxy that cannot be asked is logged and asked again at the next poll.
     */
    synchronized void pointAll(List<ServiceConfig> services) {
        for (ServiceConfig service : services) {
            if (service.trafficSwitch().isEmpty()) {
                continue;
            }
            docker.inspectContainer(service.containerName())
                    .filter(ContainerInfo::running)
                    .or(() -> docker.inspectContainer(ContainerNames.starting(service.containerName()))
                            .filter(c -> c.running() && Ownership.isOurs(c, service)))
                    .ifPresent(c -> follow(service, c));
        }
    }

    /** Points the service's switch at {@code serving}, when the service has one; a proxy's failure is logged. */
    synchronized void follow(ServiceConfig service, ContainerInfo serving) {
        try {
            point(service, serving);
            if (failing.remove(service.name())) {
                Event.info(log, "traffic.reachable")
                        .with("service", service.name())
                        .with("switch", service.trafficSwitch().orElseThrow().describe())
                        .log();
            }
        } catch (TrafficSwitchException e) {
            if (failing.add(service.name())) {
                Event.warn(log, "traffic.unreachable")
                        .with("service", service.name())
                        .with("switch", service.trafficSwitch().orElseThrow().describe())
                        .reason(e.getMessage())
                        .log();
            }
        }
    }

    /**
     * Points the service's switch at {@code kept}, then lets the requests still running on {@code leaving} finish (at
     * most the switch's {@code drain}) before the caller removes it. Throws {@link TrafficSwitchException} when the
     * proxy cannot be pointed; one that stops answering during the drain only ends the wait.
     */
    void moveTo(ServiceConfig service, ContainerInfo kept, ContainerInfo leaving) throws InterruptedException {
        point(service, kept);
        if (service.trafficSwitch().isEmpty()) {
            return;
        }
        TrafficConfig config = service.trafficSwitch().get();
        Optional<TrafficSwitch> sw = switches.forService(service.name());
        Optional<ForwardTarget> target = ProxyTargets.of(leaving, config.containerPort());
        if (sw.isPresent() && target.isPresent()) {
            try {
                sw.get().awaitDrained(target.get(), config.drain());
            } catch (TrafficSwitchException e) {
                // The switch is done: what runs on the leaving container cannot be counted any more.
            }
        }
    }

    /**
     * Points the service's switch at {@code serving} (or makes sure it still points there); throws
     * {@link TrafficSwitchException} when its reverse proxy cannot be asked or refuses.
     */
    synchronized void point(ServiceConfig service, ContainerInfo serving) {
        service.trafficSwitch()
                .ifPresent(config -> switches.forService(service.name())
                        .ifPresent(port ->
                                ProxyTargets.of(serving, config.containerPort()).ifPresent(port::switchTo)));
    }
}
