package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.proxy.ForwardTarget;
import io.redeploy.agent.proxy.TrafficSwitch;
import io.redeploy.agent.proxy.TrafficSwitches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The swap of a {@code strategy: start-first} service: the new container starts next to the old one and takes
 * over the service's network aliases, and/or the port the agent owns for it ({@code proxy}), only once it is healthy,
 * so clients never see an outage, not even for a build that fails its health gate.
 *
 * <p>Behind the agent's port the new container publishes its port on an ephemeral loopback port; the switch points
 * the forwarder at it (atomic for new connections), the old container's open connections get up to
 * {@code proxy.drain} to finish, then it is stopped.
 *
 * <p>Steps: create the new container as {@code <name>.redeploy-new} on the service's network <em>without</em>
 * aliases (an unhealthy build must not receive a single request); start; health gate; <b>switch</b>: reconnect
 * the new one with the aliases, then disconnect the old one (Docker's DNS answers both for that moment); stop
 * the old one with its stop timeout; remove it; rename the new one to {@code <name>}. A failure before the
 * disconnect of the old one removes the new container; the old one was never touched ({@code ROLLED_BACK}, so
 * the digest is not retried, as after a stop-first rollback). After the switch the deploy counts as done: a
 * failed cleanup is reported, not rolled back.
 */
final class StartFirstStrategy {
    private static final Logger log = LoggerFactory.getLogger(StartFirstStrategy.class);

    private final DockerGateway docker;
    private final Clock clock;
    private final Rollback rollback;
    private final ImagePruner pruner;
    private final DeployHooks hooks;
    private final TrafficSwitches switches;

    StartFirstStrategy(
            DockerGateway docker,
            Clock clock,
            Rollback rollback,
            ImagePruner pruner,
            DeployHooks hooks,
            TrafficSwitches switches) {
        this.switches = switches;
        this.docker = docker;
        this.clock = clock;
        this.rollback = rollback;
        this.pruner = pruner;
        this.hooks = hooks;
    }

    /**
     * Runs after the pull, the gate choice and the pre-update hooks, in place of the stop-first swap.
     *
     * @param spec the container as the stop-first path would create it (configured name, aliases)
     */
    DeployResult swap(
            ServiceConfig service,
            Optional<Digest> from,
            Digest target,
            Instant started,
            Optional<ContainerInfo> old,
            ContainerSpec spec,
            HealthGate gate) {
        String name = service.containerName();
        String network = service.network().orElse("");
        boolean movesAliases = !network.isEmpty()
                && !ContainerSpecs.isBuiltInNetwork(network)
                && !service.networkAliases().isEmpty();
        Optional<TrafficSwitch> port = service.proxy().flatMap(p -> switches.forService(service.name()));
        if (!service.ports().isEmpty() || (!movesAliases && service.proxy().isEmpty())) {
            // The config loader refuses this; a ServiceConfig built by hand must not get half a switch either.
            return Deployer.failed(
                    service,
                    from,
                    target,
                    elapsed(started),
                    "settings",
                    "start-first needs a user-defined network "
                            + "and network aliases, or a proxy port, and no published ports");
        }
        if (service.proxy().isPresent() && port.isEmpty()) {
            return Deployer.failed(
                    service,
                    from,
                    target,
                    elapsed(started),
                    "settings",
                    "the agent does not listen on " + service.proxy().get().listen() + " for this service");
        }
        String step = "remove leftover " + ContainerNames.starting(name);
        Optional<String> newId = Optional.empty();
        Optional<ForwardTarget> previousTarget = Optional.empty();
        try {
            removeLeftover(service);
            step = "create";
            newId = Optional.of(docker.create(withoutAliases(spec, ContainerNames.starting(name))));
            step = "start";
            docker.start(newId.get());
            step = "health (" + gate.describe() + ")";
            gate.await(newId.get());
            if (movesAliases) {
                step = "switch aliases to the new container";
                // An endpoint's aliases are fixed when it is connected: reconnect with them (the old one still serves).
                docker.disconnectNetwork(newId.get(), network);
                docker.connectNetwork(newId.get(), network, service.networkAliases());
            }
            if (port.isPresent()) {
                int containerPort = service.proxy().get().containerPort();
                step = "switch " + service.proxy().get().listen() + " to the new container";
                ContainerInfo fresh = docker.inspectContainer(newId.get())
                        .orElseThrow(() -> new DockerGatewayException("the new container is gone"));
                ForwardTarget next = ProxyTargets.published(fresh, containerPort)
                        .orElseThrow(() -> new DockerGatewayException(
                                "the new container publishes no host port for " + containerPort));
                // The last step that may fail comes before this one: from here on, new connections reach the new build.
                previousTarget = port.get().switchTo(next);
            }
        } catch (DockerGatewayException e) {
            return discarded(
                    service,
                    from,
                    target,
                    started,
                    step,
                    newId,
                    e.getMessage(),
                    e instanceof DockerUnreachableException);
        } catch (HealthCheckFailedException e) {
            return discarded(service, from, target, started, step, newId, e.getMessage(), false);
        } catch (RuntimeException e) {
            log.error("unexpected failure during the start-first deploy of {}", service.name(), e);
            return discarded(service, from, target, started, step, newId, "unexpected " + e, false);
        } catch (InterruptedException e) {
            DeployResult result =
                    discarded(service, from, target, started, step, newId, "interrupted (agent stopping)", false);
            Thread.currentThread().interrupt();
            return result;
        }
        log.info(
                "{}",
                LogLine.event("deploy.healthy")
                        .with("service", service.name())
                        .digest("to", target)
                        .with("gate", gate.describe())
                        .with("strategy", "start-first")
                        .duration(elapsed(started)));

        String created = newId.get();
        List<DockerGatewayException> problems = new ArrayList<>();
        Optional<ForwardTarget> draining = previousTarget;
        old.ifPresent(o -> retire(service, o, movesAliases, port, draining, problems));
        // Until this rename, recovery recognises the switched-over container by its temporary name.
        Rollback.attempt(problems, () -> docker.rename(created, name));
        if (service.pruneOldImages()) {
            pruner.prune(service, old.map(ContainerInfo::imageId));
        }
        Duration duration = elapsed(started);
        log.info(
                "{}",
                LogLine.event("deploy.done")
                        .with("service", service.name())
                        .digest("from", from)
                        .digest("to", target)
                        .with("strategy", "start-first")
                        .duration(duration));
        String cleanup = problems.isEmpty() ? "" : "; cleanup incomplete: " + messages(problems);
        String afterwards = hooks.afterDeploy(service, target, created)
                .map(problem -> "; " + problem)
                .orElse("");
        // With the engine gone mid-cleanup, recovery finishes the switch (rename) or removes the old one once it is
        // back.
        boolean engineLost = problems.stream().anyMatch(p -> p instanceof DockerUnreachableException);
        return new DeployResult(
                service.name(),
                from,
                target,
                DeployResult.Outcome.DEPLOYED,
                "deployed " + target.shortForm() + " start-first (" + gate.describe() + ")" + cleanup + afterwards,
                duration,
                engineLost);
    }

    /** A new container left by an earlier, unrecovered run is ours to discard; anyone else's stops the deploy. */
    private void removeLeftover(ServiceConfig service) {
        String starting = ContainerNames.starting(service.containerName());
        Optional<ContainerInfo> leftover = docker.inspectContainer(starting);
        if (leftover.isEmpty()) {
            return;
        }
        if (!AgentLabels.isManagedFor(leftover.get().labels(), service.name())) {
            throw new DockerGatewayException("container " + starting + " exists and was not created by the agent "
                    + "for " + service.name() + "; remove or rename it");
        }
        docker.remove(leftover.get().id());
    }

    /**
     * Lets the old container's connections through the agent's port finish (at most {@code proxy.drain}), takes it
     * off the aliases, then stops and removes it; failures only leave garbage behind.
     */
    private void retire(
            ServiceConfig service,
            ContainerInfo old,
            boolean movesAliases,
            Optional<TrafficSwitch> port,
            Optional<ForwardTarget> draining,
            List<DockerGatewayException> problems) {
        if (port.isPresent() && draining.isPresent()) {
            drain(service, port.get(), draining.get());
        }
        String network = service.network().orElse("");
        if (movesAliases && old.running() && old.ipAddresses().containsKey(network)) {
            // Only new connections move: requests in flight on the old one finish during its stop timeout.
            Rollback.attempt(problems, () -> docker.disconnectNetwork(old.id(), network));
        }
        Rollback.attempt(problems, () -> docker.stop(old.id(), service.stopTimeout()));
        Rollback.attempt(problems, () -> docker.remove(old.id()));
        if (!problems.isEmpty()) {
            log.warn(
                    "{}",
                    LogLine.event("deploy.cleanup_failed")
                            .with("service", service.name())
                            .with("container", old.name())
                            .with("reason", messages(problems)));
        }
    }

    private void drain(ServiceConfig service, TrafficSwitch port, ForwardTarget previous) {
        Duration drain = service.proxy().orElseThrow().drain();
        Instant started = clock.instant();
        int left;
        try {
            left = port.awaitDrained(previous, drain);
        } catch (InterruptedException e) {
            // The agent is stopping: the switch is done, so the old container is still stopped, only sooner.
            Thread.currentThread().interrupt();
            left = -1;
        }
        if (left != 0) {
            log.warn(
                    "{}",
                    LogLine.event("proxy.drain_incomplete")
                            .with("service", service.name())
                            .with("target", previous.endpoint())
                            .with("connections", left < 0 ? "unknown" : String.valueOf(left))
                            .with("drain", drain.toMillis() + "ms")
                            .duration(Duration.between(started, clock.instant())));
        }
    }

    private static ContainerSpec withoutAliases(ContainerSpec spec, String name) {
        return new ContainerSpec(
                name,
                spec.image(),
                spec.env(),
                spec.ports(),
                spec.volumes(),
                spec.network(),
                List.of(),
                spec.labels(),
                spec.restartPolicy(),
                spec.command(),
                spec.stopTimeout());
    }

    /** The new build failed before the switch: remove it. The old container was never touched. */
    private DeployResult discarded(
            ServiceConfig service,
            Optional<Digest> from,
            Digest target,
            Instant started,
            String step,
            Optional<String> newId,
            String cause,
            boolean engineLost) {
        Rollback.Restored removed = rollback.restore(service.containerName(), newId, Optional.empty(), false, false);
        StringBuilder reason = new StringBuilder(step).append(" failed: ").append(cause);
        if (!removed.newContainerLogs().isEmpty()) {
            reason.append("; last log lines: ")
                    .append(removed.newContainerLogs().replace("\r", "").replace("\n", " | "));
        }
        if (!removed.complete()) {
            reason.append("; removing the new container failed: ").append(String.join("; ", removed.problems()));
        }
        Duration duration = elapsed(started);
        log.error(
                "{}",
                LogLine.event("deploy.rollback")
                        .with("service", service.name())
                        .digest("from", from)
                        .digest("to", target)
                        .with("strategy", "start-first")
                        .with("old_touched", false)
                        .with("reason", reason)
                        .duration(duration));
        return new DeployResult(
                service.name(),
                from,
                target,
                DeployResult.Outcome.ROLLED_BACK,
                reason.toString(),
                duration,
                engineLost || removed.engineLost());
    }

    private static String messages(List<DockerGatewayException> problems) {
        return problems.stream()
                .map(DockerGatewayException::getMessage)
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private Duration elapsed(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
