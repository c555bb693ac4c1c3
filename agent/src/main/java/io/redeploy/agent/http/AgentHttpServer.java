package io.redeploy.agent.http;

import com.sun.net.httpserver.HttpServer;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoint on the JDK's built-in HTTP server: the status page {@code GET /} (with its sign-in and forms
 * under {@code /ui/}), {@code GET /healthz}, {@code GET /status},
 * {@code GET /metrics}, {@code GET /v1/history}, {@code POST /v1/update}, and the operator's actions
 * {@code POST /v1/rollback}, {@code /v1/hold}, {@code /v1/release}. Requests run on a small bounded pool; when it is
 * full they are answered 503 at once by {@link Overflow}, so the accepting thread never runs a request itself.
 */
public final class AgentHttpServer implements AutoCloseable {
    /** How long {@link #close()} lets requests in progress finish. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private static final int THREADS = 4;
    private static final int QUEUE = 32;
    private static final int BACKLOG = 32;

    private static final Logger log = LoggerFactory.getLogger(AgentHttpServer.class);

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Dispatcher dispatcher;
    private final Overflow overflow;
    private boolean closed;

    private AgentHttpServer(HttpServer server, ThreadPoolExecutor executor, Dispatcher dispatcher, Overflow overflow) {
        this.server = server;
        this.executor = executor;
        this.dispatcher = dispatcher;
        this.overflow = overflow;
    }

    /**
     * Binds {@code cfg.host():cfg.port()} (port 0 picks a free port, see {@link #port()}) and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound (port in use, unknown host)
     */
    public static AgentHttpServer start(
            HttpConfig cfg, AgentControl control, StateStore state, AuditLog audit, AgentMetrics metrics) {
        return start(cfg, control, state, audit, metrics, Clock.systemUTC());
    }

    /** With the audit history read from the state directory (tests). */
    public static AgentHttpServer start(HttpConfig cfg, AgentControl control, StateStore state, AgentMetrics metrics) {
        return start(cfg, control, state, metrics, Clock.systemUTC());
    }

    /** With the audit history read from the state directory (tests). */
    static AgentHttpServer start(
            HttpConfig cfg, AgentControl control, StateStore state, AgentMetrics metrics, Clock clock) {
        return start(
                cfg, control, state, AuditLog.open(state.file().toAbsolutePath().getParent()), metrics, clock);
    }

    static AgentHttpServer start(
            HttpConfig cfg, AgentControl control, StateStore state, AuditLog audit, AgentMetrics metrics, Clock clock) {
        ServerTimeouts.applyDefaults();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
        }
        Overflow overflow = new Overflow();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                THREADS,
                THREADS,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE),
                namedDaemonThreads(),
                overflow);
        executor.allowCoreThreadTimeOut(true);
        Optional<TokenGuard> token = cfg.triggerToken().map(TokenGuard::new);
        Map<String, Endpoint> routes = new HashMap<>(new Endpoints(control, state, metrics, token, clock).byPath());
        routes.putAll(new ActionEndpoints(control, token).byPath());
        routes.putAll(new ApprovalEndpoints(control, token).byPath());
        routes.putAll(new ApprovalLinkEndpoint(control).byPath());
        routes.put("/v1/history", new HistoryEndpoint(audit, control::serviceNames).endpoint());
        boolean loopback = server.getAddress().getAddress().isLoopbackAddress();
        routes.putAll(new PageEndpoints(control, state, audit, cfg.triggerToken(), !loopback, clock).byPath());
        Dispatcher dispatcher =
                new Dispatcher(routes, new AccessCheck(cfg, server.getAddress().getAddress()), overflow::refusing);
        server.createContext("/", dispatcher);
        server.setExecutor(executor);
        server.start();
        AgentHttpServer started = new AgentHttpServer(server, executor, dispatcher, overflow);
        Event.info(log, "http.started")
                .with("address", cfg.host() + ":" + started.port())
                .with("trigger", cfg.triggerToken().isPresent() ? "enabled" : "disabled")
                .with("reads", cfg.readToken().isPresent() ? "token" : "open")
                .log();
        if (!server.getAddress().getAddress().isLoopbackAddress()) {
            // Plain HTTP: a bearer token sent over the network can be read by anyone on the path.
            Event.warn(log, "http.not_loopback")
                    .with("address", cfg.host() + ":" + started.port())
                    .with("hint", "serve it through a TLS reverse proxy or bind 127.0.0.1")
                    .log();
        }
        return started;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets requests in progress finish for up to {@link #CLOSE_GRACE}, then stops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // HttpServer.stop(n) waits the full n seconds on JDK 17 even when idle; only wait when there is work.
        server.stop(dispatcher.inFlight() > 0 ? (int) CLOSE_GRACE.toSeconds() : 0);
        executor.shutdown();
        overflow.close();
        try {
            if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        Event.info(log, "http.stopped").log();
    }

    private static ThreadFactory namedDaemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
