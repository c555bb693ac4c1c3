package io.redeploy.agent;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.DependencyOrder;
import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.DefaultHealthGates;
import io.redeploy.agent.deploy.DeployResult;
import io.redeploy.agent.deploy.Deployer;
import io.redeploy.agent.deploy.RunningService;
import io.redeploy.agent.deploy.ServiceRuntime;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.http.AgentControl;
import io.redeploy.agent.http.AgentHttpServer;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.proxy.BridgeMacCheck;
import io.redeploy.agent.proxy.PortForwarder;
import io.redeploy.agent.proxy.ProxyListener;
import io.redeploy.agent.proxy.ServiceProxies;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.schedule.FollowUpDelays;
import io.redeploy.agent.schedule.PollCycle;
import io.redeploy.agent.schedule.PollScheduler;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.time.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: wires registry, Docker, state, scheduler and HTTP endpoint together and owns
 * their lifecycle. {@link #start} heals interrupted deploys before the first poll.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How long SIGTERM waits for a deploy in flight; the systemd unit's TimeoutStopSec is longer. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(120);

    private static final int REGISTRY_CONCURRENCY = 8;
    /**
     * How long SIGTERM lets connections on the agent-owned ports finish (each service's {@code drain}, at most this),
     * after a deploy in flight: together within the unit's TimeoutStopSec of 150 s.
     */
    public static final Duration PROXY_SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final AgentConfig config;
    private final RegistryClient registry;
    private final DockerJavaGateway docker;
    private final StateStore state;
    private final AgentMetrics metrics;
    private final ExecutorService registryExecutor;
    private final PollCycle pollCycle;
    private final PollScheduler scheduler;
    private final AtomicReference<Instant> lastPollFinished = new AtomicReference<>();
    private final AtomicInteger pollsCompleted = new AtomicInteger();
    private final Clock clock;
    private final Deployer deployer;
    private final List<ServiceConfig> orderedServices;
    private final io.redeploy.agent.notify.NotificationDispatcher notifications;
    /** Only touched by the poll thread (Quartz never runs two polls at once). */
    private boolean recovered;
    /** Only touched by the poll thread. */
    private final FollowUpDelays followUps = new FollowUpDelays();

    private AgentHttpServer http;
    private final ServiceProxies proxies;

    private Agent(AgentConfig config, Clock clock, AgentMetrics metrics, ServiceProxies proxies) throws Exception {
        FutureTask<DockerJavaGateway> dockerConnected = connectInBackground(config.docker());
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.proxies = proxies;
        this.state = StateStore.open(config.stateDir(), clock);
        this.registry = RegistryClient.builder(config)
                .clock(clock)
                .listener((registryHost, method, status) -> metrics.registryResponse(registryHost, status))
                .build();
        this.notifications = new io.redeploy.agent.notify.NotificationDispatcher(
                io.redeploy.agent.notify.Notifiers.from(config.notifications()), Sleeper.real());
        this.registryExecutor = Executors.newFixedThreadPool(
                Math.min(REGISTRY_CONCURRENCY, Math.max(1, config.services().size())), daemonThreads("registry"));
        this.scheduler = new PollScheduler(config.schedule(), this::runPoll);
        try {
            this.docker = awaitConnected(dockerConnected);
        } catch (Exception | Error e) {
            scheduler.close(); // its worker threads would keep a failed start from exiting
            throw e;
        }
        Deployer deployer = new Deployer(
                docker,
                new DefaultHealthGates(docker, clock, Sleeper.real()),
                clock,
                Deployer.DEFAULT_PULL_TIMEOUT,
                new io.redeploy.agent.policy.PolicyHooks(docker, clock),
                proxies);
        List<ServiceConfig> ordered = DependencyOrder.order(config.services());
        this.pollCycle = new PollCycle(
                config,
                ordered,
                registry,
                runtimeOf(deployer, docker),
                state,
                metrics,
                registryExecutor,
                clock,
                new io.redeploy.agent.notify.NotifyingPollEvents(notifications, clock, hostName()),
                new io.redeploy.agent.signing.CosignSignatureCheck(registry));
        this.deployer = deployer;
        this.orderedServices = ordered;
    }

    /**
     * Loading docker-java and its HTTP client, and the first round trip to the engine, are a good part of the
     * start-up; on their own thread they overlap with building the registry client, the state and Quartz on this
     * one (bench/: start-up to first poll). The ping only warms the connection: whether Docker answers is the
     * first poll's business, which defers recovery and reports it.
     */
    private static FutureTask<DockerJavaGateway> connectInBackground(DockerConfig dockerConfig) {
        FutureTask<DockerJavaGateway> connected = new FutureTask<>(() -> DockerJavaGateway.connect(dockerConfig));
        Thread thread = new Thread(
                () -> {
                    connected.run();
                    try {
                        connected.get().ping();
                    } catch (Exception | LinkageError e) {
                        // Not an error here; see above.
                    }
                },
                "docker-connect");
        thread.setDaemon(true);
        thread.start();
        return connected;
    }

    private static DockerJavaGateway awaitConnected(FutureTask<DockerJavaGateway> connected) throws Exception {
        try {
            return connected.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    public static Agent start(AgentConfig config, Clock clock) throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        // First: a public port that cannot be bound (taken, say, by the compose container being adopted) stops the
        // start.
        ServiceProxies proxies =
                ServiceProxies.open(config.services(), PortForwarder.DEFAULT_CONNECT_TIMEOUT, proxyMetrics(metrics));
        Agent agent;
        try {
            agent = new Agent(config, clock, metrics, proxies);
        } catch (Exception | Error e) {
            proxies.close();
            throw e;
        }
        agent.pointProxies();
        agent.http = AgentHttpServer.start(config.http(), agent.control(), agent.state, agent.metrics);
        agent.scheduler.start();
        log.info(
                "event=agent.started services={} http={}:{} state_dir={}",
                config.services().size(),
                config.http().host(),
                agent.http.port(),
                config.stateDir());
        return agent;
    }

    /** Before the first poll, so the public ports serve while the registry is asked; retried by recovery. */
    private void pointProxies() {
        if (proxies.isEmpty()) {
            return;
        }
        try {
            deployer.pointProxies(orderedServices);
        } catch (RuntimeException e) {
            log.warn("event=proxy.target_unknown reason=\"{}\" retry=first_poll", e.getMessage());
        }
        if (config.docker().host().startsWith("unix://")) { // the bridges are on this host only with a local engine
            new BridgeMacCheck(Path.of("/sys/class/net"), docker::bridgeDevice).warnFloating(orderedServices);
        }
    }

    private static ProxyListener proxyMetrics(AgentMetrics metrics) {
        return new ProxyListener() {
            @Override
            public void opened(String service) {
                metrics.proxyOpened(service);
            }

            @Override
            public void closed(String service, long toTarget, long toClient) {
                metrics.proxyClosed(service, toTarget, toClient);
            }

            @Override
            public void rejected(String service, String reason) {
                metrics.proxyRejected(service);
            }
        };
    }

    private void runPoll(Optional<String> service) {
        try {
            if (!recovered) {
                recovered = recoverInterruptedDeploys();
            }
            pollCycle.run(service);
        } catch (RuntimeException e) {
            // A poll must never kill the scheduler thread; the next one starts clean.
            log.error("event=poll.crashed reason=\"{}\"", e.toString(), e);
        } finally {
            lastPollFinished.set(clock.instant());
            pollsCompleted.incrementAndGet();
            followUpWhileRecoveryPending();
        }
    }

    /**
     * A deploy the engine cut short is healed by the first poll that finds the engine back (PollCycle): poll again
     * within seconds until then, rather than one poll interval later with the service possibly down.
     */
    private void followUpWhileRecoveryPending() {
        if (!deployer.awaitingRecovery()) {
            followUps.reset();
            return;
        }
        Duration delay = followUps.next();
        log.debug("event=poll.follow_up reason=\"recovery pending\" in_ms={}", delay.toMillis());
        scheduler.pollAgainIn(delay);
    }

    /**
     * Heals what a killed agent left behind (a container renamed aside, a half-started new one) before
     * anything else touches the stack. Runs in the poll thread, so it retries each poll while Docker is down.
     */
    private boolean recoverInterruptedDeploys() {
        try {
            docker.ping();
        } catch (RuntimeException e) {
            log.warn("event=recover.deferred reason=\"docker unavailable: {}\"", e.getMessage());
            return false;
        }
        deployer.recover(orderedServices); // logs one event=recover line per service it had to heal
        return true;
    }

    /** Queues a poll now; used by the HTTP trigger and by tests. */
    public void triggerPoll(Optional<String> service) {
        scheduler.triggerNow(service);
    }

    public int pollsCompleted() {
        return pollsCompleted.get();
    }

    public StateStore state() {
        return state;
    }

    public int httpPort() {
        return http.port();
    }

    private AgentControl control() {
        return new AgentControl() {
            @Override
            public boolean schedulerRunning() {
                return scheduler.isRunning();
            }

            @Override
            public Optional<Instant> lastPollFinished() {
                return Optional.ofNullable(lastPollFinished.get());
            }

            @Override
            public Optional<Instant> nextPoll() {
                return scheduler.nextPoll();
            }

            @Override
            public Duration pollInterval() {
                return scheduler.period();
            }

            @Override
            public boolean dockerAnswers() {
                try {
                    docker.ping();
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }

            @Override
            public Set<String> serviceNames() {
                Set<String> names = new LinkedHashSet<>();
                config.services().forEach(s -> names.add(s.name()));
                return names;
            }

            @Override
            public void triggerPoll(Optional<String> service) {
                Agent.this.triggerPoll(service);
            }
        };
    }

    /** Stop scheduling, let a poll in flight finish (bounded), then release everything. */
    @Override
    public void close() {
        log.info("event=agent.stopping grace_s={}", SHUTDOWN_GRACE.toSeconds());
        pollCycle.requestStop();
        boolean clean = scheduler.shutdown(SHUTDOWN_GRACE);
        if (!clean) {
            log.warn("event=agent.stop_timeout reason=\"a deploy was still running; the next start heals it\"");
        }
        // After the deploy: the ports served throughout it. Now refuse new clients, let open ones finish (bounded).
        proxies.shutdown(PROXY_SHUTDOWN_GRACE);
        if (http != null) http.close();
        registryExecutor.shutdownNow();
        notifications.close();
        registry.close();
        docker.close();
        log.info("event=agent.stopped clean={}", clean);
    }

    private static ServiceRuntime runtimeOf(Deployer deployer, DockerJavaGateway docker) {
        return new ServiceRuntime() {
            @Override
            public void ping() {
                docker.ping();
            }

            @Override
            public RunningService inspect(ServiceConfig service) {
                return deployer.inspect(service);
            }

            @Override
            public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
                return deployer.deploy(service, target, registry);
            }

            @Override
            public boolean restart(ServiceConfig service) {
                return deployer.restart(service);
            }

            @Override
            public List<io.redeploy.agent.deploy.Recovery> recoverInterrupted() {
                return deployer.recoverInterrupted();
            }
        };
    }

    /** Names the machine in notifications, so a team with several hosts knows which one speaks. */
    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "redeploy-agent";
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
