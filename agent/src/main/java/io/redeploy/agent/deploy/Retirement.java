package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitchException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old container's way out after a start-first switch: its connections through the switch finish (at most
 * {@code drain}), it leaves the aliases, then it is stopped and removed. The deploy is done by then: failures only
 * leave garbage behind, collected for the result.
 */
final class Retirement {
    private static final Logger log = LoggerFactory.getLogger(Retirement.class);

    private final DockerGateway docker;
    private final Clock clock;

    Retirement(DockerGateway docker, Clock clock) {
        this.docker = docker;
        this.clock = clock;
    }

    /**
     * @param port     the service's traffic switch, if it has one
     * @param previous what the switch forwarded to before it was pointed at the new container
     * @param networks the networks whose aliases moved to the new container
     */
    void retire(
            ServiceConfig service,
            ContainerInfo old,
            Optional<TrafficSwitch> port,
            Optional<ForwardTarget> previous,
            Collection<String> networks,
            List<DockerGatewayException> problems) {
        if (port.isPresent() && previous.isPresent()) {
            drain(service, port.get(), previous.get());
        }
        for (String network : networks) {
            if (old.running() && old.ipAddresses().containsKey(network)) {
                // Only new connections move: requests in flight on the old one finish during its stop timeout.
                Rollback.attempt(problems, () -> docker.disconnectNetwork(old.id(), network));
            }
        }
        Rollback.attempt(problems, () -> docker.stop(old.id(), service.stopTimeout()));
        Rollback.attempt(problems, () -> docker.remove(old.id()));
        if (!problems.isEmpty()) {
            Event.warn(log, "deploy.cleanup_failed")
                    .with("service", service.name())
                    .with("container", old.name())
                    .reason(messages(problems))
                    .log();
        }
    }

    private void drain(ServiceConfig service, TrafficSwitch port, ForwardTarget previous) {
        Duration drain = service.trafficSwitch().orElseThrow().drain();
        Instant started = clock.instant();
        int left;
        try {
            left = port.awaitDrained(previous, drain);
        } catch (InterruptedException e) {
            // The agent is stopping: the switch is done, so the old container is still stopped, only sooner.
            Thread.currentThread().interrupt();
            left = -1;
        } catch (TrafficSwitchException e) {
            // The proxy stopped answering after the switch: requests still on the old one cannot be counted.
            left = -1;
        }
        if (left != 0) {
            Event.warn(log, "proxy.drain_incomplete")
                    .with("service", service.name())
                    .with("target", previous.endpoint())
                    .with("connections", left < 0 ? "unknown" : String.valueOf(left))
                    .with("drain", drain.toMillis() + "ms")
                    .duration(Duration.between(started, clock.instant()))
                    .log();
        }
    }

    static String messages(List<DockerGatewayException> problems) {
        return problems.stream().map(DockerGatewayException::getMessage).collect(Collectors.joining("; "));
    }
}
