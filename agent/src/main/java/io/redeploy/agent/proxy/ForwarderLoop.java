package io.redeploy.agent.proxy;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.traffic.ForwardTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector loop of one forwarder, on its own thread: accepts clients within the {@link ForwarderLimits} (in all
 * and per client address), connects each to the current target, moves bytes, and closes connections whose connect
 * took too long or that stayed silent (idle, or half-closed). Everything here but {@link #stopAccepting} and
 * {@link #close} runs on the loop's thread.
 */
final class ForwarderLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ForwarderLoop.class);
    /** How often connects in progress are checked against their deadline. */
    private static final long CONNECT_CHECK_MILLIS = 100;
    /** How often open connections are checked for silence (the idle timeouts are seconds long). */
    private static final long IDLE_CHECK_MILLIS = 1000;

    private final String service;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ForwarderLimits limits;
    private final ProxyListener listener;
    private final AtomicReference<ForwardTarget> target;
    /** Also the lock under which a target is taken and its connection counted in (see PortForwarder.switchTo). */
    private final TargetCounts open;

    private final Set<ForwardedConnection> connections = new LinkedHashSet<>();
    /** Open connections per client address. */
    private final Map<InetAddress, Integer> perClient = new HashMap<>();

    private volatile boolean accepting = true;
    private volatile boolean closing;

    ForwarderLoop(
            String service,
            ServerSocketChannel server,
            Selector selector,
            ForwarderLimits limits,
            ProxyListener listener,
            AtomicReference<ForwardTarget> target,
            TargetCounts open) {
        this.service = service;
        this.server = server;
        this.selector = selector;
        this.limits = limits;
        this.listener = listener;
        this.target = target;
        this.open = open;
    }

    /** Closes the listening port (clients are refused from now on); open connections go on. */
    void stopAccepting() {
        accepting = false;
        selector.wakeup();
    }

    /** Ends the loop: the port and every connection are closed. */
    void close() {
        closing = true;
        selector.wakeup();
    }

    /** The loop; returns when the forwarder is closed or the selector failed. */
    @Override
    public void run() {
        try {
            while (!closing) {
                if (!accepting && server.isOpen()) {
                    server.close();
                }
                selector.select(selectTimeout());
                for (var keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.attachment() instanceof ForwardedConnection.End end) {
                        try {
                            end.connection().ready(key, end.client());
                        } catch (RuntimeException e) {
                            // A bug must cost one connection, not the port.
                            Event.error(log, "proxy.connection_failed")
                                    .with("service", service)
                                    .reason(describe(e))
                                    .cause(e)
                                    .log();
                            end.connection().close(false, "internal error");
                        }
                    } else if (key.isAcceptable()) {
                        acceptAll();
                    }
                }
                expire();
            }
        } catch (IOException | RuntimeException e) {
            // Not expected (a selector failure); the port is then closed rather than left half-working.
            Event.error(log, "proxy.failed")
                    .with("service", service)
                    .reason(describe(e))
                    .cause(e)
                    .log();
        } finally {
            new ArrayList<>(connections).forEach(c -> c.close(false, "agent stopping"));
            ForwardedConnection.closeQuietly(server);
            ForwardedConnection.closeQuietly(selector);
        }
    }

    /** Wakes up for the deadlines: often while a connect is in progress, now and then for silent connections. */
    private long selectTimeout() {
        if (connections.isEmpty()) {
            return 0;
        }
        if (connections.stream().anyMatch(ForwardedConnection::connecting)) {
            return CONNECT_CHECK_MILLIS;
        }
        long shortest = Math.min(
                limits.idleTimeout().toMillis(), limits.halfClosedTimeout().toMillis());
        return Math.max(CONNECT_CHECK_MILLIS, Math.min(IDLE_CHECK_MILLIS, shortest / 2));
    }

    private void acceptAll() throws IOException {
        SocketChannel client;
        while (accepting && (client = server.accept()) != null) {
            InetAddress from = ((InetSocketAddress) client.getRemoteAddress()).getAddress();
            if (connections.size() >= limits.maxConnections()) {
                reject(client, "too many connections");
                continue;
            }
            if (perClient.getOrDefault(from, 0) >= limits.maxPerClient()) {
                reject(client, "too many connections from one client");
                continue;
            }
            ForwardTarget t;
            synchronized (open) {
                t = target.get();
                if (t != null) {
                    open.acquire(t); // counted before a switch can see the target as drained
                }
            }
            if (t == null) {
                reject(client, "no target");
            } else {
                forward(client, from, t);
            }
        }
    }

    /** {@code t} is already counted in {@link #open}: a connection that cannot be set up releases it. */
    private void forward(SocketChannel client, InetAddress from, ForwardTarget t) {
        SocketChannel upstream = null;
        ForwardedConnection c = null;
        try {
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream = SocketChannel.open();
            upstream.configureBlocking(false);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connectedAtOnce = upstream.connect(t.address());
            c = new ForwardedConnection(t, from, client, upstream, service, listener, this::closed);
            connections.add(c);
            perClient.merge(from, 1, Integer::sum);
            c.register(selector, connectedAtOnce);
        } catch (IOException | RuntimeException e) {
            if (c != null && connections.contains(c)) {
                c.close(false, "target refused"); // closes both sockets, releases t
            } else {
                ForwardedConnection.closeQuietly(upstream);
                open.release(t);
                reject(client, "target refused");
            }
        }
    }

    /** A connection ended: its target and its client count one less. */
    private void closed(ForwardedConnection c) {
        connections.remove(c);
        perClient.computeIfPresent(c.clientAddress, (k, n) -> n > 1 ? n - 1 : null);
        open.release(c.target);
    }

    private void reject(SocketChannel client, String reason) {
        ForwardedConnection.closeQuietly(client);
        listener.rejected(service, reason);
    }

    private void expire() {
        long now = System.nanoTime();
        for (ForwardedConnection c : new ArrayList<>(connections)) {
            c.expired(now, limits).ifPresent(reason -> c.close(false, reason));
        }
    }

    static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
