package io.redeploy.agent.deploy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.deploy.health.HealthGateFactory;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.Workload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a deploy does before it touches a container, common to both strategies: heal what an interrupted
 * deploy left, look at the old container, pull the new image by digest, choose its health gate, make sure its
 * network exists, and ask the pre-update hooks. A failure here leaves the running container as it was.
 */
final class SwapPreparation {
    static final String COMPOSE_IMAGE_LABEL = "com.docker.compose.image";

    private final DockerGateway docker;
    private final ContainerObserver observer;
    private final HealthGateFactory gates;
    private final DeployHooks hooks;
    private final CrashRecovery recovery;
    private final AttemptLog attempts;
    private final Clock clock;
    private final Duration pullTimeout;

    SwapPreparation(
            DockerGateway docker,
            HealthGateFactory gates,
            DeployHooks hooks,
            CrashRecovery recovery,
            AttemptLog attempts,
            Clock clock,
            Duration pullTimeout) {
        this.docker = docker;
        this.observer = new ContainerObserver(docker);
        this.gates = gates;
        this.hooks = hooks;
        this.recovery = recovery;
        this.attempts = attempts;
        this.clock = clock;
        this.pullTimeout = pullTimeout;
    }

    /** Prepares the deploy of {@code target} and hands it to {@code strategy}: the result of whichever ends it. */
    DeployResult thenSwap(ServiceConfig service, Digest target, RegistryConfig registry, SwapStrategy strategy) {
        Instant started = clock.instant();
        Optional<ContainerInfo> old;
        Workload current;
        try {
            recovery.healLeftovers(service);
            old = docker.inspectContainer(service.containerName());
            current = observer.workload(service, old);
        } catch (DockerGatewayException e) {
            return attempts.failed(new Attempt(service, Optional.empty(), target, started), "inspect", e);
        }
        Attempt attempt = new Attempt(service, old.flatMap(c -> current.currentDigest()), target, started);
        if (old.isPresent() && !Ownership.mayTouch(old.get(), service)) {
            return attempts.failed(
                    attempt,
                    "inspect",
                    "container " + service.containerName() + " is managed by the agent for service "
                            + old.get().labels().get(AgentLabels.SERVICE) + ", not " + service.name(),
                    false);
        }
        if (current.running() && current.runs(target)) {
            return attempts.alreadyRunning(attempt);
        }
        attempts.started(attempt, old.isPresent() && !old.get().managed());
        return pullAndSwap(attempt, old, registry, strategy);
    }

    private DeployResult pullAndSwap(
            Attempt attempt, Optional<ContainerInfo> old, RegistryConfig registry, SwapStrategy strategy) {
        ServiceConfig service = attempt.service();
        if (service.source() == ServiceConfig.Source.CONTAINER && old.isEmpty()) {
            return attempts.failed(
                    attempt,
                    "inspect",
                    "the followed container " + service.containerName()
                            + " is gone: there is no configuration to recreate it from",
                    false);
        }
        // A followed container is recreated from its own configuration (NewContainer.CopyOf), never from agent.yml.
        ContainerSpec spec = null;
        if (service.source() != ServiceConfig.Source.CONTAINER) {
            try {
                spec = ContainerSpecs.forDeploy(
                        service,
                        attempt.to(),
                        old.map(ContainerInfo::anonymousVolumes).orElse(Map.of()));
            } catch (IllegalArgumentException e) {
                return attempts.failed(attempt, "settings", e.getMessage(), false);
            }
        }
        ImageInfo pulled;
        try {
            String image = ContainerSpecs.imageReference(service, attempt.to());
            docker.pull(
                    service.image().dockerName(),
                    attempt.to().value(),
                    ContainerSpecs.registryAuth(registry),
                    pullTimeout);
            pulled = docker.inspectImage(image)
                    .orElseThrow(() -> new DockerGatewayException("pulled image " + image + " is not present locally"));
        } catch (DockerGatewayException e) {
            return attempts.failed(attempt, "pull", e);
        }
        HealthGate gate;
        try {
            gate = gates.gateFor(service, pulled);
            // Before the old container is touched: a missing network must not cost a rollback.
            service.network().filter(n -> !ContainerSpecs.isBuiltInNetwork(n)).ifPresent(docker::ensureNetwork);
        } catch (DockerGatewayException e) {
            return attempts.failed(attempt, "settings", e);
        } catch (IllegalArgumentException e) {
            return attempts.failed(attempt, "settings", e.getMessage(), false);
        }
        attempts.pulled(attempt);
        DeployHooks.Verdict verdict = hooks.beforeSwap(service, attempt.to(), old, pulled);
        if (verdict.kind() == DeployHooks.Verdict.Kind.ABORT) {
            return attempts.failed(attempt, DeployResult.PRE_UPDATE_STEP, verdict.reason(), false);
        }
        if (verdict.kind() == DeployHooks.Verdict.Kind.SKIP) {
            return attempts.skipped(attempt, verdict.reason());
        }
        LocalTag tag;
        try {
            tag = LocalTag.point(docker, service.image(), pulled.id());
        } catch (DockerGatewayException e) {
            return attempts.failed(attempt, "tag", e);
        }
        NewContainer container = spec != null
                ? new NewContainer.FromSpec(spec)
                : new NewContainer.CopyOf(old.get().id(), tag.reference(), copyLabels(attempt, old.get(), pulled));
        return strategy.swap(new Swap(attempt, old, container, gate, tag));
    }

    /**
     * The labels a copy gets on top of the old container's: the agent's, and compose v2's record of the image id
     * ({@code com.docker.compose.image}, compared with the tag's image by {@code docker compose up}) when it has one.
     */
    private static Map<String, String> copyLabels(Attempt attempt, ContainerInfo old, ImageInfo pulled) {
        Map<String, String> labels =
                new java.util.LinkedHashMap<>(ContainerSpecs.agentLabels(attempt.service(), attempt.to()));
        if (old.labels().containsKey(COMPOSE_IMAGE_LABEL)) {
            labels.put(COMPOSE_IMAGE_LABEL, pulled.id());
        }
        return labels;
    }
}
