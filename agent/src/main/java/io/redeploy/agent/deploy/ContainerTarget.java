package io.redeploy.agent.deploy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthGateFactory;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployTarget;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Workload;
import io.redeploy.agent.state.Journal;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers on this Docker engine as a {@link DeployTarget}: a deploy recreates the service's container on a new
 * image digest, keeping the old one until the new one is healthy and putting it back on any failure, so the stack is
 * never left half deployed. Named volumes are never removed, so data (a PostgreSQL cluster) carries over; only a
 * container carrying the agent's labels for the service, or one found under the exact configured name (adoption), is
 * ever stopped, renamed or removed.
 *
 * <p>The work is done by its parts: {@link SwapPreparation} (inspect, pull, gate, hooks), a {@link SwapStrategy}
 * ({@link StopFirstSwap} or {@link StartFirstSwap}), {@link CrashRecovery} and {@link EngineLostDeploys} for what an
 * interrupted deploy left, {@link ContainerRestarts}, and {@link TrafficPointer} for services behind a traffic switch.
 * Calls are serialised: one deploy, restart or recovery at a time.
 */
public final class ContainerTarget implements DeployTarget {
    private static final Logger log = LoggerFactory.getLogger(ContainerTarget.class);
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);

    private final DockerGateway docker;
    private final ContainerObserver observer;
    private final ServiceResolution resolution;
    private final SwapPreparation preparation;
    private final StopFirstSwap stopFirst;
    private final StartFirstSwap startFirst;
    private final CrashRecovery recovery;
    private final EngineLostDeploys engineLost;
    private final ContainerRestarts restarts;
    private final TrafficPointer traffic;
    private final ImagePruner pruner;

    /**
     * @param hooks    the pre- and post-update hooks, asked between the pull and the swap and once healthy
     * @param switches the traffic switches of {@code proxy:} and {@code traffic:} services, pointed by start-first deploys
     * @param journal  where each step is recorded before it runs, for recovery after a crash; empty in tests of the
     *                 swap logic alone
     * @param redactor hides the configured secrets in every deploy reason and log line
     */
    public ContainerTarget(
            DockerGateway docker,
            HealthGateFactory gates,
            Clock clock,
            Duration pullTimeout,
            DeployHooks hooks,
            TrafficSwitches switches,
            Optional<Journal> journal,
            Redactor redactor) {
        DeployJournal deployJournal = journal.map(DeployJournal::new).orElse(DeployJournal.NONE);
        this.docker = docker;
        this.observer = new ContainerObserver(docker);
        this.resolution = new ServiceResolution(docker);
        RecoveryGate recoveryGate = new RecoveryGate(docker, gates);
        Rollback rollback = new Rollback(docker, recoveryGate);
        AttemptLog attempts = new AttemptLog(clock, redactor);
        this.pruner = new ImagePruner(docker);
        AfterSwap after = new AfterSwap(hooks, pruner, attempts);
        this.traffic = new TrafficPointer(docker, switches);
        this.recovery = new CrashRecovery(docker, recoveryGate, rollback, deployJournal, traffic);
        this.preparation = new SwapPreparation(docker, gates, hooks, recovery, attempts, clock, pullTimeout);
        this.stopFirst = new StopFirstSwap(docker, rollback, after, attempts, deployJournal);
        this.startFirst = new StartFirstSwap(docker, clock, rollback, after, attempts, switches, deployJournal);
        this.engineLost = new EngineLostDeploys(docker, recovery, clock);
        this.restarts = new ContainerRestarts(docker, gates, traffic, deployJournal, clock);
    }

    @Override
    public void ping() {
        docker.ping();
    }

    /**
     * A followed container's image tag, read from the container; a service the agent creates is returned as is, unless
     * it would adopt a container that differs from its description ({@link AdoptionCheck}).
     */
    @Override
    public ServiceConfig resolve(ServiceConfig service) {
        return resolution.resolve(service);
    }

    /** The container under the service's name; throws {@link DockerGatewayException} when the engine cannot be asked. */
    @Override
    public Workload observe(ServiceConfig service) {
        Optional<ContainerInfo> container = docker.inspectContainer(service.containerName());
        // Every poll: a container restarted by Docker (restart policy, daemon restart) may have a new ephemeral port.
        container.filter(ContainerInfo::running).ifPresent(c -> traffic.follow(service, c));
        return observer.workload(service, container);
    }

    /**
     * Deploys {@code target}; when the service already runs it nothing is pulled or restarted. When the engine
     * stopped answering on the way ({@link DeployResult#engineLost()}), the service awaits {@link #recoverInterrupted}.
     */
    @Override
    public synchronized DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
        SwapStrategy strategy = service.strategy() == ServiceConfig.Strategy.START_FIRST ? startFirst : stopFirst;
        DeployResult result = preparation.thenSwap(service, target, registry, strategy);
        engineLost.track(service, target, result);
        return result;
    }

    @Override
    public synchronized boolean revive(ServiceConfig service) {
        return restarts.revive(service);
    }

    @Override
    public synchronized boolean restart(ServiceConfig service) {
        return restarts.restart(service);
    }

    @Override
    public synchronized void restartDue(ServiceConfig service) {
        restarts.due(service);
    }

    @Override
    public synchronized List<Recovery> recover(List<ServiceConfig> services) {
        List<Recovery> actions = new ArrayList<>();
        for (ServiceConfig service : services) {
            Recovery healed = recovery.heal(service);
            if (healed.kind() != Recovery.Kind.NOTHING_TO_HEAL) {
                actions.add(healed);
            }
        }
        try {
            traffic.pointAll(services);
        } catch (DockerGatewayException e) {
            Event.warn(log, "proxy.target_unknown").reason(e.getMessage()).log();
        }
        return List.copyOf(actions);
    }

    @Override
    public synchronized List<Recovery> recoverInterrupted() {
        return engineLost.heal();
    }

    @Override
    public synchronized boolean awaitingRecovery() {
        return engineLost.any();
    }

    /**
     * Points the traffic switch of every {@code proxy:} or {@code traffic:} service at the container that serves it
     * (a reverse proxy's route is created when missing); called at start-up before the first poll. Throws
     * {@link DockerGatewayException} when the engine cannot be asked.
     */
    public void pointProxies(List<ServiceConfig> services) {
        traffic.pointAll(services);
    }

    /**
     * Removes the service repository's references (tags and digests) to its older local images, keeping the image
     * the container runs and {@code previousImageId} (for a manual rollback). Returns the removed references.
     */
    public synchronized List<String> pruneImages(ServiceConfig service, Optional<String> previousImageId) {
        return pruner.prune(service, previousImageId);
    }
}
