package io.redeploy.agent;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.DependencyOrder;
import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.ContainerTarget;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.docker.swarm.SwarmApi;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.notify.NotificationDispatcher;
import io.redeploy.agent.notify.Notifiers;
import io.redeploy.agent.notify.NotifyingPollEvents;
import io.redeploy.agent.policy.PolicyHooks;
import io.redeploy.agent.proxy.PortForwarder;
import io.redeploy.agent.proxy.ServiceProxies;
import io.redeploy.agent.reconcile.ApprovalLinks;
import io.redeploy.agent.reconcile.DeployTarget;
import io.redeploy.agent.reconcile.DeploysInFlight;
import io.redeploy.agent.reconcile.Observer;
import io.redeploy.agent.reconcile.OperatorActions;
import io.redeploy.agent.reconcile.Reconciler;
import io.redeploy.agent.reconcile.Recorder;
import io.redeploy.agent.reconcile.TargetRouter;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.signing.CosignSignatureCheck;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.HistoryImport;
import io.redeploy.agent.state.Journal;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.swarm.SwarmTarget;
import io.redeploy.agent.swarm.SwarmUpdateFollower;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's parts, wired from its config in the order they depend on each other: the wiring, and nothing else
 * ({@link Agent} owns their lifecycle). The public ports of {@code proxy:} services are bound first, so that one that
 * is taken (say, by the compose container being adopted) stops the start before anything else is built.
 */
record AgentParts(
        AgentConfig config,
        Clock clock,
        AgentMetrics metrics,
        ServiceProxies proxies,
        ServiceSwitches switches,
        StateStore state,
        RegistryClient registry,
        NotificationDispatcher notifications,
        ExecutorService registryExecutor,
        DockerJavaGateway docker,
        ContainerTarget target,
        DeployTarget targets,
        List<ServiceConfig> orderedServices,
        Reconciler reconciler,
        AuditLog audit,
        OperatorActions actions,
        DeploysInFlight inFlight,
        Optional<SwarmApi> swarm) {

    private static final int REGISTRY_CONCURRENCY = 8;
    private static final Duration SWARM_POLL = Duration.ofSeconds(1);

    /** @param dockerConnection started first by the caller, so docker-java loads while the rest is built */
    static AgentParts wire(AgentConfig config, Clock clock, DockerConnection dockerConnection) throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        ServiceProxies proxies = ServiceProxies.open(
                config.services(), PortForwarder.DEFAULT_CONNECT_TIMEOUT, new ProxyMetricsListener(metrics));
        try {
            return wire(config, clock, metrics, proxies, dockerConnection);
        } catch (Exception | Error e) {
            proxies.close();
            throw e;
        }
    }

    private static AgentParts wire(
            AgentConfig config,
            Clock clock,
            AgentMetrics metrics,
            ServiceProxies proxies,
            DockerConnection dockerConnection)
            throws Exception {
        StateStore state = StateStore.open(config.stateDir(), clock);
        ServiceSwitches switches = ServiceSwitches.of(config.services(), proxies, clock, Sleeper.real());
        RegistryClient registry = RegistryClient.builder(config)
                .clock(clock)
                .listener((host, method, status) -> metrics.registryResponse(host, status))
                .build();
        NotificationDispatcher notifications =
                new NotificationDispatcher(Notifiers.from(config.notifications()), Sleeper.real());
        ExecutorService registryExecutor = Executors.newFixedThreadPool(
                Math.min(REGISTRY_CONCURRENCY, Math.max(1, config.services().size())), daemonThreads("registry"));
        DockerJavaGateway docker;
        try {
            docker = dockerConnection.await();
        } catch (Exception | Error e) {
            registryExecutor.shutdownNow();
            notifications.close();
            registry.close();
            throw e;
        }
        ContainerTarget target = new ContainerTarget(
                docker,
                new DefaultHealthGates(docker, clock, Sleeper.real()),
                clock,
                ContainerTarget.DEFAULT_PULL_TIMEOUT,
                new PolicyHooks(docker, clock, Redactor.of(config.secretValues(), config.envVariables())),
                switches,
                Optional.of(Journal.open(config.stateDir().resolve("journal"))),
                Redactor.of(config.secretValues(), config.envVariables()));
        List<ServiceConfig> ordered = DependencyOrder.order(config.services());
        Map<ServiceConfig.Source, DeployTarget> bySource = new EnumMap<>(ServiceConfig.Source.class);
        bySource.put(ServiceConfig.Source.SPEC, target);
        bySource.put(ServiceConfig.Source.CONTAINER, target);
        // Swarm services are updated through the same engine, which must be a manager of their swarm.
        Optional<SwarmApi> swarm = config.services().stream().anyMatch(s -> s.source() == ServiceConfig.Source.SWARM)
                ? Optional.of(SwarmApi.connect(DockerConfig.hostOf(config.docker())))
                : Optional.empty();
        swarm.ifPresent(api -> bySource.put(
                ServiceConfig.Source.SWARM,
                new SwarmTarget(
                        api,
                        new SwarmUpdateFollower(api, clock, Sleeper.real(), SWARM_POLL),
                        clock,
                        SwarmTarget.DEFAULT_UPDATE_TIMEOUT)));
        DeployTarget targets = new TargetRouter(bySource);
        Observer observer = new Observer(
                registry, registry, new CosignSignatureCheck(registry), targets, state, registryExecutor, clock);
        AuditLog audit = AuditLog.open(config.stateDir());
        HistoryImport.fromStateFile(state, audit);
        Recorder recorder = new Recorder(
                state,
                audit,
                metrics,
                new NotifyingPollEvents(notifications, clock, hostName()),
                clock,
                ApprovalLinks.of(config.http(), clock));
        DeploysInFlight inFlight = new DeploysInFlight();
        Reconciler reconciler =
                new Reconciler(ordered, observer, targets, recorder, config::registryFor, clock, inFlight);
        OperatorActions actions =
                new OperatorActions(ordered, state, audit, recorder, targets, config::registryFor, inFlight, clock);
        return new AgentParts(
                config,
                clock,
                metrics,
                proxies,
                switches,
                state,
                registry,
                notifications,
                registryExecutor,
                docker,
                target,
                targets,
                ordered,
                reconciler,
                audit,
                actions,
                inFlight,
                swarm);
    }

    /** Names the machine in notifications, so a team with several hosts knows which one speaks. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "redeploy-agent";
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
