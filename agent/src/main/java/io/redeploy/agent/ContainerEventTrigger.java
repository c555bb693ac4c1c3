package io.redeploy.agent;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerEvent;
import io.redeploy.agent.log.Event;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a service as soon as the engine says its container started or died outside a deploy ({@code docker compose
 * restart}, a restart policy after a crash, {@code docker stop}): a proxy route follows a container that came back on
 * another address within a second instead of at the next poll, and a container that died is reported down
 * ({@code service.down}, {@code /healthz} 503) at once. A burst of events (kill, die, stop, start) becomes one poll of
 * the service; events while the agent itself deploys the service are its own and ignored. The event stream is opened
 * again when it ends (the engine restarted), after a pause that grows to 30 s.
 */
final class ContainerEventTrigger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContainerEventTrigger.class);
    private static final Set<String> ACTIONS = Set.of("start", "die");
    private static final Duration MAX_REOPEN_PAUSE = Duration.ofSeconds(30);

    /** The engine's container events for the named containers; {@code ended} runs once when the stream ends. */
    interface EventSource {
        Closeable subscribe(Collection<String> names, Consumer<ContainerEvent> listener, Runnable ended);
    }

    private final Map<String, String> serviceByContainer = new HashMap<>();
    private final EventSource source;
    private final Predicate<String> deploying;
    private final Consumer<String> poll;
    private final Duration coalesce;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "container-events");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScheduledFuture<?>> pending = new HashMap<>();
    private Closeable stream;
    private boolean closed;
    private int reopenings;

    /**
     * @param services  the watched services; Swarm services are left out (their tasks are Swarm's)
     * @param deploying whether the agent is deploying (or has queued a deploy of) the service
     * @param poll      queues a poll of the service
     * @param coalesce  how long a service's events are gathered into one poll
     */
    ContainerEventTrigger(
            List<ServiceConfig> services,
            EventSource source,
            Predicate<String> deploying,
            Consumer<String> poll,
            Duration coalesce) {
        services.stream()
                .filter(s -> s.source() != ServiceConfig.Source.SWARM)
                .forEach(s -> serviceByContainer.put(s.containerName(), s.name()));
        this.source = source;
        this.deploying = deploying;
        this.poll = poll;
        this.coalesce = coalesce;
    }

    synchronized void start() {
        if (closed || serviceByContainer.isEmpty()) return;
        try {
            stream = source.subscribe(serviceByContainer.keySet(), this::onEvent, this::ended);
            reopenings = 0;
        } catch (RuntimeException e) {
            Event.debug(log, "container.events_closed").reason(e.getMessage()).log();
            reopenLater();
        }
    }

    private void onEvent(ContainerEvent event) {
        String service = serviceByContainer.get(event.name());
        if (service == null || !ACTIONS.contains(event.action()) || deploying.test(service)) return;
        synchronized (this) {
            if (closed) return;
            ScheduledFuture<?> earlier = pending.remove(service);
            if (earlier != null) earlier.cancel(false);
            pending.put(
                    service,
                    timer.schedule(() -> fire(service, event.action()), coalesce.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private void fire(String service, String action) {
        synchronized (this) {
            pending.remove(service);
            if (closed) return;
        }
        if (deploying.test(service)) return;
        Event.debug(log, "container.event_poll")
                .with("service", service)
                .with("action", action)
                .log();
        try {
            poll.accept(service);
        } catch (IllegalStateException stopping) {
            // The scheduler is shutting down: nothing to poll for.
        }
    }

    private synchronized void ended() {
        if (closed) return;
        Event.debug(log, "container.events_closed")
                .reason("the engine ended the event stream")
                .log();
        reopenLater();
    }

    private synchronized void reopenLater() {
        long pause = Math.min(MAX_REOPEN_PAUSE.toMillis(), 1_000L << Math.min(reopenings++, 5));
        timer.schedule(this::start, pause, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        Closeable open;
        synchronized (this) {
            closed = true;
            pending.values().forEach(f -> f.cancel(false));
            open = stream;
        }
        timer.shutdownNow();
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // Closing a stream the engine already ended.
            }
        }
    }
}
