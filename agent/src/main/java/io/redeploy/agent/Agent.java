package io.redeploy.agent;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.docker.swarm.SwarmApi;
import io.redeploy.agent.http.AgentHttpServer;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.proxy.BridgeMacCheck;
import io.redeploy.agent.reconcile.ApprovalLinks;
import io.redeploy.agent.reconcile.LinkApprovals;
import io.redeploy.agent.reconcile.RollbackRequest;
import io.redeploy.agent.schedule.FollowUpDelays;
import io.redeploy.agent.schedule.PollScheduler;
import io.redeploy.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's lifecycle: start (ports, HTTP endpoint, scheduler), each poll (crash recovery before the
 * first one, follow-up polls while a deploy the engine cut short awaits healing), and a clean stop. The parts
 * themselves are wired by {@link AgentParts}.
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** How long SIGTERM waits for a deploy in flight; the systemd unit's TimeoutStopSec is longer. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(120);
    /**
     * How long SIGTERM lets connections on the agent-owned ports finish (each service's {@code drain}, at most this),
     * after a deploy in flight: together within the unit's TimeoutStopSec of 150 s.
     */
    public static final Duration PROXY_SHUTDOWN_GRACE = Duration.ofSeconds(20);
    /** A container's events within this long (kill, die, stop, start) make one poll of its service. */
    private static final Duration CONTAINER_EVENT_COALESCE = Duration.ofMillis(500);

    private final AgentParts parts;
    private final PollScheduler scheduler;
    private final AtomicReference<Instant> lastPollFinished = new AtomicReference<>();
    private final AtomicInteger pollsCompleted = new AtomicInteger();
    /** Only touched by the poll thread (Quartz never runs two polls at once). */
    private boolean recovered;
    /** Only touched by the poll thread. */
    private final FollowUpDelays followUps = new FollowUpDelays();

    private AgentHttpServer http;
    private ContainerEventTrigger containerEvents;
    /** Operator rollbacks accepted by the endpoint, run by the poll thread before its next poll. */
    private final Queue<RollbackRequest> rollbacks = new ConcurrentLinkedQueue<>();

    private Agent(AgentConfig config, Clock clock) throws Exception {
        // docker-java loads on its own thread while Quartz and the rest are built on this one.
        DockerConnection docker = DockerConnection.inBackground(config.docker());
        this.scheduler = new PollScheduler(config.schedule(), this::runPoll);
        try {
            this.parts = AgentParts.wire(config, clock, docker);
        } catch (Exception | Error e) {
            scheduler.close(); // its worker threads would keep a failed start from exiting
            throw e;
        }
    }

    public static Agent start(AgentConfig config, Clock clock) throws Exception {
        Agent agent = new Agent(config, clock);
        agent.pointProxies();
        agent.http = AgentHttpServer.start(
                config.http(), agent.status(), agent.parts.state(), agent.parts.audit(), agent.parts.metrics());
        agent.scheduler.start();
        agent.containerEvents = new ContainerEventTrigger(
                agent.parts.orderedServices(),
                agent.parts.docker()::containerEventsNamed,
                agent.parts.inFlight()::busy,
                service -> agent.scheduler.triggerNow(Optional.of(service)),
                CONTAINER_EVENT_COALESCE);
        agent.containerEvents.start();
        Event.info(log, "agent.started")
                .with("services", config.services().size())
                .with("http", config.http().host() + ":" + agent.http.port())
                .with("state_dir", config.stateDir())
                .log();
        return agent;
    }

    /** Before the first poll, so the public ports serve while the registry is asked; retried by recovery. */
    private void pointProxies() {
        if (parts.switches().isEmpty()) {
            return;
        }
        try {
            parts.target().pointProxies(parts.orderedServices());
        } catch (RuntimeException e) {
            Event.warn(log, "proxy.target_unknown")
                    .reason(e.getMessage())
                    .with("retry", "first_poll")
                    .log();
        }
        if (parts.config().docker().host().startsWith("unix://")) { // the bridges are on this host only then
            new BridgeMacCheck(Path.of("/sys/class/net"), parts.docker()::bridgeDevice)
                    .warnFloating(parts.orderedServices());
        }
    }

    private AgentStatus status() {
        return new AgentStatus(
                scheduler,
                parts.docker(),
                parts.config().services(),
                () -> Optional.ofNullable(lastPollFinished.get()),
                this::triggerPoll,
                parts.reconciler()::problems,
                parts.actions(),
                this::queueRollback,
                ApprovalLinks.of(parts.config().http(), parts.clock())
                        .map(links -> new LinkApprovals(links, parts.state(), parts.actions())));
    }

    /** The rollback runs on the poll thread (never two deploys at once), followed by a poll of its service. */
    private void queueRollback(RollbackRequest rollback) {
        rollbacks.add(rollback);
        try {
            scheduler.triggerNow(Optional.of(rollback.service()));
        } catch (IllegalStateException e) {
            rollbacks.remove(rollback);
            parts.actions().dropped(rollback);
            throw e;
        }
    }

    private void runPoll(Optional<String> service) {
        try {
            if (!recovered) {
                recovered = parts.reconciler().recoverAtStart();
            }
            for (RollbackRequest rollback; (rollback = rollbacks.poll()) != null; ) {
                parts.actions().execute(rollback);
            }
            parts.reconciler().run(service);
        } catch (RuntimeException e) {
            // A poll must never kill the scheduler thread; the next one starts clean.
            Event.error(log, "poll.crashed").reason(e.toString()).cause(e).log();
        } finally {
            lastPollFinished.set(parts.clock().instant());
            pollsCompleted.incrementAndGet();
            followUpWhileRecoveryPending();
        }
    }

    /**
     * A deploy the engine cut short is healed by the first poll that finds the engine back: poll again within
     * seconds until then, rather than one poll interval later with the service possibly down.
     */
    private void followUpWhileRecoveryPending() {
        if (!parts.targets().awaitingRecovery()) {
            followUps.reset();
            return;
        }
        Duration delay = followUps.next();
        Event.debug(log, "poll.follow_up")
                .reason("recovery pending")
                .with("in_ms", delay.toMillis())
                .log();
        scheduler.pollAgainIn(delay);
    }

    /** Queues a poll now; used by the HTTP trigger and by tests. An operator's poll does not wait for a backoff. */
    public void triggerPoll(Optional<String> service) {
        parts.reconciler().forgetBackoff();
        scheduler.triggerNow(service);
    }

    public int pollsCompleted() {
        return pollsCompleted.get();
    }

    public StateStore state() {
        return parts.state();
    }

    public int httpPort() {
        return http.port();
    }

    /** Stop scheduling, let a poll in flight finish (bounded), then release everything. */
    @Override
    public void close() {
        Event.info(log, "agent.stopping")
                .with("grace_s", SHUTDOWN_GRACE.toSeconds())
                .log();
        parts.reconciler().requestStop();
        if (containerEvents != null) containerEvents.close();
        boolean clean = scheduler.shutdown(SHUTDOWN_GRACE);
        if (!clean) {
            Event.warn(log, "agent.stop_timeout")
                    .reason("a deploy was still running; the next start heals it")
                    .log();
        }
        // After the deploy: the ports served throughout it. Now refuse new clients, let open ones finish (bounded).
        parts.proxies().shutdown(PROXY_SHUTDOWN_GRACE);
        if (http != null) http.close();
        parts.registryExecutor().shutdownNow();
        rollbacks.forEach(parts.actions()::dropped);
        parts.audit().close();
        parts.notifications().close();
        parts.registry().close();
        parts.docker().close();
        parts.swarm().ifPresent(SwarmApi::close);
        Event.info(log, "agent.stopped").with("clean", clean).log();
    }
}
