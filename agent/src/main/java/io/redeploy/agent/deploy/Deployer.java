package io.redeploy.agent.deploy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.proxy.TrafficSwitches;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recreates a service's container on a new image digest, keeping the old container aside until the new one
 * is healthy and putting it back on any failure, so the stack is never left half-deployed.
 *
 * <p>The steps of {@link #deploy}: pull by digest; rename the old container to {@code <name>.redeploy-old};
 * create the new one under the configured name from the configured settings; stop the old one (its stop
 * timeout); start the new one; wait for its {@link HealthGate}; remove the old one. Named volumes are never removed, so data
 * (a Postgres cluster) carries over. Only a container carrying the agent's labels for the service, or one
 * found under the exact configured name (adoption), is ever stopped, renamed or removed.
 *
 * <p>A deploy during which the engine stopped answering (its daemon stopped or restarted) may leave the old
 * container aside and stopped, or a new one half-judged, with no way to finish or undo that while the engine is gone.
 * Such a service is remembered ({@code event=recovery.pending}) and healed by {@link #recoverInterrupted()}, with the
 * same reconciliation as after a crash, as soon as the engine answers again.
 *
 * <p>Calls are serialised: one deploy, restart or recovery at a time.
 */
public final class Deployer {
    private static final Logger log = LoggerFactory.getLogger(Deployer.class);
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

    private final DockerGateway docker;
    private final HealthGateFactory gates;
    private final Clock clock;
    private final Duration pullTimeout;
    private final Rollback rollback;
    private final CrashRecovery recovery;
    private final ImagePruner pruner;
    private final DeployHooks hooks;
    private final StartFirstStrategy startFirst;
    private final TrafficSwitches switches;
    /** Services whose last deploy the engine cut short, by name: healed once it answers again. */
    private final Map<String, ServiceConfig> awaitingRecovery = new LinkedHashMap<>();

    public Deployer(DockerGateway docker, HealthGateFactory gates, Clock clock, Duration pullTimeout) {
        this(docker, gates, clock, pullTimeout, DeployHooks.NONE);
    }

    /** @param hooks the update policy and lifecycle hooks, consulted between the pull and the swap */
    public Deployer(
            DockerGateway docker, HealthGateFactory gates, Clock clock, Duration pullTimeout, DeployHooks hooks) {
        this(docker, gates, clock, pullTimeout, hooks, TrafficSwitches.NONE);
    }

    /** @param switches the ports the agent owns for {@code proxy:} services, switched by start-first deploys */
    public Deployer(
            DockerGateway docker,
            HealthGateFactory gates,
            Clock clock,
            Duration pullTimeout,
            DeployHooks hooks,
            TrafficSwitches switches) {
        this.switches = switches;
        this.hooks = hooks;
        this.docker = docker;
        this.gates = gates;
        this.clock = clock;
        this.pullTimeout = pullTimeout;
        this.rollback = new Rollback(docker);
        this.recovery = new CrashRecovery(docker, gates, rollback);
        this.pruner = new ImagePruner(docker);
        this.startFirst = new StartFirstStrategy(docker, clock, rollback, pruner, hooks, switches);
    }

    public Deployer(DockerGateway docker, HealthGateFactory gates, Clock clock) {
        this(docker, gates, clock, DEFAULT_PULL_TIMEOUT);
    }

    /**
     * The container under the service's configured name and the registry digests of its image for the
     * configured repository. Throws {@link DockerGatewayException} when the engine cannot be asked.
     */
    public RunningService inspect(ServiceConfig service) {
        Optional<ContainerInfo> container = docker.inspectContainer(service.containerName());
        // Every poll: a container restarted by Docker (restart policy, daemon restart) may have a new ephemeral port.
        container.filter(ContainerInfo::running).ifPresent(c -> follow(service, c));
        return runningService(service, container);
    }

    /**
     * Points the agent's port of every {@code proxy:} service at the container that serves it: the one under the
     * configured name, else the new container of a start-first deploy interrupted after its switch (recovery renames
     * it). Called at start-up before the first poll; without a running container the port has no target and closes
     * the connections it accepts. Throws {@link DockerGatewayException} when the engine cannot be asked.
     */
    public synchronized void pointProxies(List<ServiceConfig> services) {
        for (ServiceConfig service : services) {
            if (service.proxy().isEmpty()) {
                continue;
            }
            docker.inspectContainer(service.containerName())
                    .filter(ContainerInfo::running)
                    .or(() -> docker.inspectContainer(ContainerNames.starting(service.containerName()))
                            .filter(c -> c.running() && AgentLabels.isManagedFor(c.labels(), service.name())))
                    .ifPresent(c -> follow(service, c));
        }
    }

    private synchronized void follow(ServiceConfig service, ContainerInfo serving) {
        service.proxy()
                .ifPresent(proxy -> switches.forService(service.name())
                        .ifPresent(port ->
                                ProxyTargets.of(serving, proxy.containerPort()).ifPresent(port::switchTo)));
    }

    private RunningService runningService(ServiceConfig service, Optional<ContainerInfo> container) {
        if (container.isEmpty()) {
            return RunningService.absent(service.name());
        }
        ContainerInfo c = container.get();
        Set<Digest> digests = docker.inspectImage(c.imageId())
                .map(image -> digestsFor(image, service.image().dockerName()))
                .orElse(Set.of());
        return new RunningService(
                service.name(),
                Optional.of(c.id()),
                Optional.of(c.imageId()),
                digests,
                c.running(),
                AgentLabels.isManagedFor(c.labels(), service.name()));
    }

    /** RepoDigests are {@code repo@sha256:...}; only those of the configured repository count. */
    static Set<Digest> digestsFor(ImageInfo image, String repository) {
        String wanted = normaliseRepository(repository);
        return image.repoDigests().stream()
                .filter(rd -> rd.contains("@"))
                .filter(rd ->
                        normaliseRepository(rd.substring(0, rd.indexOf('@'))).equals(wanted))
                .map(rd -> rd.substring(rd.indexOf('@') + 1))
                .filter(Digest::isValid)
                .map(Digest::parse)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String normaliseRepository(String repository) {
        String r = repository.startsWith("docker.io/") ? repository.substring("docker.io/".length()) : repository;
        return r.startsWith("library/") ? r.substring("library/".length()) : r;
    }

    /**
     * Deploys {@code target}. Never throws for expected failures (engine errors, pull failures, unhealthy
     * builds): the outcome and reason say what happened. When the service already runs {@code target} nothing
     * is pulled or restarted. When the engine stopped answering on the way ({@link DeployResult#engineLost()}),
     * the service awaits {@link #recoverInterrupted()}.
     */
    public synchronized DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
        DeployResult result = swapTo(service, target, registry);
        if (result.engineLost()) {
            awaitingRecovery.put(service.name(), service);
            log.warn(
                    "{}",
                    LogLine.event("recovery.pending")
                            .with("service", service.name())
                            .digest("to", target)
                            .with(
                                    "reason",
                                    "the Docker engine stopped answering during the deploy; the service is checked and made "
                                            + "whole as soon as it answers again"));
        } else if (result.succeeded()) {
            awaitingRecovery.remove(service.name());
        }
        return result;
    }

    private DeployResult swapTo(ServiceConfig service, Digest target, RegistryConfig registry) {
        Instant started = clock.instant();
        String name = service.containerName();
        Optional<ContainerInfo> old;
        RunningService current;
        try {
            healLeftovers(service);
            old = docker.inspectContainer(name);
            current = runningService(service, old);
        } catch (DockerGatewayException e) {
            return failed(service, Optional.empty(), target, elapsed(started), "inspect", e);
        }
        Optional<Digest> from = old.flatMap(c -> currentDigest(c, current));
        if (old.isPresent() && !mayTouch(old.get(), service)) {
            return failed(
                    service,
                    from,
                    target,
                    elapsed(started),
                    "inspect",
                    "container " + name + " is managed by the agent for service "
                            + old.get().labels().get(AgentLabels.SERVICE) + ", not " + service.name());
        }
        if (current.running() && current.runs(target)) {
            return new DeployResult(
                    service.name(),
                    from,
                    target,
                    DeployResult.Outcome.DEPLOYED,
                    "already running " + target.shortForm(),
                    elapsed(started));
        }
        log.info(
                "{}",
                LogLine.event("deploy.start")
                        .with("service", service.name())
                        .digest("from", from)
                        .digest("to", target)
                        .with("adopting", old.isPresent() && !old.get().managed()));

        String image = ContainerSpecs.imageReference(service, target);
        ContainerSpec spec;
        try {
            spec = ContainerSpecs.forDeploy(
                    service, target, old.map(ContainerInfo::anonymousVolumes).orElse(Map.of()));
        } catch (IllegalArgumentException e) {
            return failed(service, from, target, elapsed(started), "settings", e.getMessage());
        }
        ImageInfo pulled;
        try {
            docker.pull(service.image().dockerName(), target.value(), registry, pullTimeout);
            pulled = docker.inspectImage(image)
                    .orElseThrow(() -> new DockerGatewayException("pulled image " + image + " is not present locally"));
        } catch (DockerGatewayException e) {
            return failed(service, from, target, elapsed(started), "pull", e);
        }
        HealthGate gate;
        try {
            gate = gates.gateFor(service, pulled);
            // Before the old container is touched: a missing network must not cost a rollback.
            service.network().filter(n -> !ContainerSpecs.isBuiltInNetwork(n)).ifPresent(docker::ensureNetwork);
        } catch (DockerGatewayException e) {
            return failed(service, from, target, elapsed(started), "settings", e);
        } catch (IllegalArgumentException e) {
            return failed(service, from, target, elapsed(started), "settings", e.getMessage());
        }
        log.info(
                "{}",
                LogLine.event("deploy.pulled")
                        .with("service", service.name())
                        .digest("to", target)
                        .duration(elapsed(started)));
        DeployHooks.Verdict verdict = hooks.beforeSwap(service, target, old, pulled);
        switch (verdict.kind()) {
            case PROCEED -> {}
            case ABORT -> {
                return failed(service, from, target, elapsed(started), DeployResult.PRE_UPDATE_STEP, verdict.reason());
            }
            case SKIP, REFUSE -> {
                return untouched(service, from, target, started, verdict);
            }
        }

        if (service.strategy() == ServiceConfig.Strategy.START_FIRST) {
            return startFirst.swap(service, from, target, started, old, spec, gate);
        }
        Swap swap = new Swap(old);
        try {
            swap.setOldAside(service);
            // Created before the old one stops: creating takes a few hundred ms that need not be downtime, and a
            // created container binds no port yet.
            swap.step = "create";
            swap.newId = Optional.of(docker.create(spec));
            swap.stopOld(service);
            swap.step = "start";
            docker.start(swap.newId.get());
            swap.step = "health (" + gate.describe() + ")";
            gate.await(swap.newId.get());
        } catch (DockerGatewayException e) {
            return rolledBack(
                    service, from, target, started, swap, e.getMessage(), e instanceof DockerUnreachableException);
        } catch (HealthCheckFailedException e) {
            return rolledBack(service, from, target, started, swap, e.getMessage(), false);
        } catch (RuntimeException e) {
            // A bug must not leave the old container aside either.
            log.error("unexpected failure during the deploy of {}", service.name(), e);
            return rolledBack(service, from, target, started, swap, "unexpected " + e, false);
        } catch (InterruptedException e) {
            DeployResult result =
                    rolledBack(service, from, target, started, swap, "interrupted (agent stopping)", false);
            Thread.currentThread().interrupt();
            return result;
        }
        log.info(
                "{}",
                LogLine.event("deploy.healthy")
                        .with("service", service.name())
                        .digest("to", target)
                        .with("gate", gate.describe())
                        .duration(elapsed(started)));

        // A failed removal leaves the old container aside; with the engine gone, recovery removes it once it is back.
        boolean engineLost = old.map(o -> removeOld(service, o)).orElse(false);
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
                        .duration(duration));
        String afterwards = hooks.afterDeploy(service, target, swap.newId.get())
                .map(problem -> "; " + problem)
                .orElse("");
        return new DeployResult(
                service.name(),
                from,
                target,
                DeployResult.Outcome.DEPLOYED,
                "deployed " + target.shortForm() + " (" + gate.describe() + ")" + afterwards,
                duration,
                engineLost);
    }

    /** The policy or a hook said no before anything was touched. */
    private DeployResult untouched(
            ServiceConfig service, Optional<Digest> from, Digest target, Instant started, DeployHooks.Verdict verdict) {
        boolean refused = verdict.kind() == DeployHooks.Verdict.Kind.REFUSE;
        Duration duration = elapsed(started);
        LogLine line = LogLine.event(refused ? "deploy.refused" : "deploy.skipped")
                .with("service", service.name())
                .digest("from", from)
                .digest("to", target)
                .with("reason", verdict.reason())
                .duration(duration);
        if (refused) {
            log.warn("{}", line);
        } else {
            log.info("{}", line);
        }
        return new DeployResult(
                service.name(),
                from,
                target,
                refused ? DeployResult.Outcome.REFUSED : DeployResult.Outcome.SKIPPED,
                verdict.reason(),
                duration);
    }

    /** The state of one recreation, so that a rollback knows exactly what to undo. */
    private final class Swap {
        final Optional<ContainerInfo> old;
        final boolean oldWasRunning;
        boolean oldIsAside;
        Optional<String> newId = Optional.empty();
        String step = "rename old container";

        Swap(Optional<ContainerInfo> old) {
            this.old = old;
            this.oldWasRunning =
                    old.map(c -> c.running() || "restarting".equals(c.status())).orElse(false);
        }

        void setOldAside(ServiceConfig service) {
            if (old.isEmpty()) {
                return;
            }
            // Renamed before it is stopped: an agent killed during the stop then leaves <name>.redeploy-old, which
            // recovery puts back and starts, rather than a stopped container under the name that nothing restarts.
            docker.rename(old.get().id(), ContainerNames.aside(service.containerName()));
            oldIsAside = true;
        }

        void stopOld(ServiceConfig service) {
            if (old.isEmpty()) {
                return;
            }
            step = "stop old container";
            docker.stop(old.get().id(), service.stopTimeout());
        }
    }

    /** Returns true when the engine did not answer (the engine is lost): the old container may still be there. */
    private boolean removeOld(ServiceConfig service, ContainerInfo old) {
        try {
            docker.remove(old.id());
            return false;
        } catch (DockerGatewayException e) {
            // The new container is healthy and serving; the leftover is cleaned up by recover() or the next deploy.
            log.warn(
                    "{}",
                    LogLine.event("deploy.cleanup_failed")
                            .with("service", service.name())
                            .with("container", ContainerNames.aside(service.containerName()))
                            .with("reason", e.getMessage()));
            return e instanceof DockerUnreachableException;
        }
    }

    private DeployResult rolledBack(
            ServiceConfig service,
            Optional<Digest> from,
            Digest target,
            Instant started,
            Swap swap,
            String cause,
            boolean engineLost) {
        Rollback.Restored restored =
                rollback.restore(service.containerName(), swap.newId, swap.old, swap.oldIsAside, swap.oldWasRunning);
        StringBuilder reason = new StringBuilder(swap.step).append(" failed: ").append(cause);
        if (!restored.newContainerLogs().isEmpty()) {
            reason.append("; last log lines: ")
                    .append(restored.newContainerLogs().replace("\r", "").replace("\n", " | "));
        }
        if (!restored.complete()) {
            reason.append("; rollback incomplete: ").append(String.join("; ", restored.problems()));
        }
        Duration duration = elapsed(started);
        log.error(
                "{}",
                LogLine.event("deploy.rollback")
                        .with("service", service.name())
                        .digest("from", from)
                        .digest("to", target)
                        .with("restored", swap.old.isPresent() && restored.complete())
                        .with("reason", reason)
                        .duration(duration));
        return new DeployResult(
                service.name(),
                from,
                target,
                DeployResult.Outcome.ROLLED_BACK,
                reason.toString(),
                duration,
                engineLost || restored.engineLost());
    }

    /** Logs and returns a deploy that stopped before the old container was touched (both strategies). */
    static DeployResult failed(
            ServiceConfig service, Optional<Digest> from, Digest target, Duration duration, String step, String cause) {
        return failed(service, from, target, duration, step, cause, false);
    }

    /** As {@link #failed(ServiceConfig, Optional, Digest, Duration, String, String)}, for an engine failure. */
    private static DeployResult failed(
            ServiceConfig service,
            Optional<Digest> from,
            Digest target,
            Duration duration,
            String step,
            DockerGatewayException e) {
        return failed(service, from, target, duration, step, e.getMessage(), e instanceof DockerUnreachableException);
    }

    private static DeployResult failed(
            ServiceConfig service,
            Optional<Digest> from,
            Digest target,
            Duration duration,
            String step,
            String cause,
            boolean engineLost) {
        String reason = step + " failed: " + cause;
        log.error(
                "{}",
                LogLine.event("deploy.failed")
                        .with("service", service.name())
                        .digest("from", from)
                        .digest("to", target)
                        .with("reason", reason)
                        .duration(duration));
        return new DeployResult(
                service.name(), from, target, DeployResult.Outcome.FAILED, reason, duration, engineLost);
    }

    /**
     * Restarts the service's container (stop with its stop timeout, start, health gate), after a dependency
     * it is configured to follow was recreated. Returns false, after logging why, when that did not work.
     */
    public synchronized boolean restart(ServiceConfig service) {
        Instant started = clock.instant();
        try {
            Optional<ContainerInfo> container = docker.inspectContainer(service.containerName());
            if (container.isEmpty()) {
                log.warn(
                        "{}",
                        LogLine.event("deploy.restart_skipped")
                                .with("service", service.name())
                                .with("reason", "no container named " + service.containerName()));
                return false;
            }
            ContainerInfo c = container.get();
            if (!mayTouch(c, service)) {
                log.warn(
                        "{}",
                        LogLine.event("deploy.restart_skipped")
                                .with("service", service.name())
                                .with(
                                        "reason",
                                        "container belongs to service "
                                                + c.labels().get(AgentLabels.SERVICE)));
                return false;
            }
            // One engine call: an agent killed during a dependent's restart cannot leave it stopped.
            docker.restart(c.id(), service.stopTimeout());
            ImageInfo image =
                    docker.inspectImage(c.imageId()).orElse(new ImageInfo(c.imageId(), List.of(), List.of(), false));
            HealthGate gate = gates.gateFor(service, image);
            gate.await(c.id());
            // A restart gives the ephemeral port of a proxied container anew.
            docker.inspectContainer(c.id()).ifPresent(restarted -> follow(service, restarted));
            log.info(
                    "{}",
                    LogLine.event("deploy.restart")
                            .with("service", service.name())
                            .with("gate", gate.describe())
                            .duration(elapsed(started)));
            return true;
        } catch (DockerGatewayException | HealthCheckFailedException | IllegalArgumentException e) {
            log.error(
                    "{}",
                    LogLine.event("deploy.restart_failed")
                            .with("service", service.name())
                            .with("reason", e.getMessage())
                            .duration(elapsed(started)));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * At start-up: finishes or rolls back deploys that were interrupted (agent killed with an old container
     * renamed aside), so every service is whole again. Returns one line per action taken; empty when there
     * was nothing to heal.
     */
    public synchronized List<String> recover(List<ServiceConfig> services) {
        List<String> actions = new ArrayList<>();
        for (ServiceConfig service : services) {
            recovery.recover(service).ifPresent(actions::add);
        }
        try {
            pointProxies(services);
        } catch (DockerGatewayException e) {
            log.warn("{}", LogLine.event("proxy.target_unknown").with("reason", e.getMessage()));
        }
        return List.copyOf(actions);
    }

    /**
     * Heals the services whose last deploy the engine cut short ({@link DeployResult#engineLost()}), once it answers
     * again: the reconciliation that runs after a crash ({@link CrashRecovery}), which puts the old container back or
     * finishes the deploy. Logs {@code event=recovery.done} per service; a service stays pending
     * ({@code event=recovery.retry}) while an engine call still fails. Empty while the engine does not answer.
     */
    public synchronized List<Recovery> recoverInterrupted() {
        if (awaitingRecovery.isEmpty()) {
            return List.of();
        }
        try {
            docker.ping();
        } catch (DockerGatewayException e) {
            return List.of(); // still away: the next poll tries again
        }
        List<Recovery> recoveries = new ArrayList<>();
        for (ServiceConfig service : List.copyOf(awaitingRecovery.values())) {
            Instant started = clock.instant();
            Recovery healed = recovery.heal(service);
            if (healed.kind() == Recovery.Kind.INCOMPLETE) {
                log.warn(
                        "{}",
                        LogLine.event("recovery.retry")
                                .with("service", service.name())
                                .with("reason", healed.action()));
                continue;
            }
            awaitingRecovery.remove(service.name());
            log.info(
                    "{}",
                    LogLine.event("recovery.done")
                            .with("service", service.name())
                            .with("result", healed.kind().name().toLowerCase(java.util.Locale.ROOT))
                            .with("action", healed.action().isEmpty() ? "none: the service was whole" : healed.action())
                            .duration(elapsed(started)));
            recoveries.add(healed);
        }
        return List.copyOf(recoveries);
    }

    /** True while a deploy cut short by the engine has not been healed yet. */
    public synchronized boolean awaitingRecovery() {
        return !awaitingRecovery.isEmpty();
    }

    /**
     * Removes the service repository's references (tags and digests) to its older local images, keeping the
     * image the container runs and {@code previousImageId} (for a manual rollback). An image also referenced by
     * another repository stays (only this repository's names go); one used by any container is never removed.
     * Returns the removed references.
     */
    public synchronized List<String> pruneImages(ServiceConfig service, Optional<String> previousImageId) {
        return pruner.prune(service, previousImageId);
    }

    /** A deploy that finds a container still aside (crash not yet recovered) heals it first. */
    private void healLeftovers(ServiceConfig service) {
        if (docker.inspectContainer(ContainerNames.aside(service.containerName()))
                .isPresent()) {
            recovery.recover(service)
                    .ifPresent(action -> log.warn(
                            "{}",
                            LogLine.event("deploy.healed")
                                    .with("service", service.name())
                                    .with("action", action)));
            if (docker.inspectContainer(ContainerNames.aside(service.containerName()))
                    .isPresent()) {
                throw new DockerGatewayException("container " + ContainerNames.aside(service.containerName())
                        + " is left over from an interrupted deploy and could not be resolved; remove or rename it");
            }
        }
    }

    /** The agent's own container for this service, or one found under the exact configured name (adoption). */
    static boolean mayTouch(ContainerInfo container, ServiceConfig service) {
        return !container.managed() || AgentLabels.isManagedFor(container.labels(), service.name());
    }

    private static Optional<Digest> currentDigest(ContainerInfo container, RunningService current) {
        String label = container.labels().get(AgentLabels.DIGEST);
        if (Digest.isValid(label) && (current.repoDigests().isEmpty() || current.runs(Digest.parse(label)))) {
            return Optional.of(Digest.parse(label));
        }
        return current.repoDigests().stream()
                .map(Digest::value)
                .sorted()
                .findFirst()
                .map(Digest::parse);
    }

    private Duration elapsed(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
