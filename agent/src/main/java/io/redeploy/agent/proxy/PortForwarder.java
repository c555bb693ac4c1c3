package io.redeploy.agent.proxy;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's public TCP port, owned by the agent: every accepted connection is forwarded to the container that
 * serves at that moment, so a deploy can move new connections to a new container with {@link #switchTo} while the
 * connections already open finish on the old one.
 *
 * <p>One thread per forwarder runs a selector over the listening socket and every connection (non-blocking, two
 * 8 KiB buffers per connection, see {@link ForwardedConnection}). Half-closes are passed on: a client that shuts its
 * output down still gets the whole answer. A connection whose target does not accept within the connect timeout, or
 * without any target, is closed at once, so a client never hangs on a dead container. {@link ForwarderLimits} bounds
 * the connections in all and per client address, and closes silent ones (idle, or half-closed and silent), so that
 * clients that open connections and send nothing cannot take the port from everyone else. Connections are counted
 * per target, which is what {@link #awaitDrained} waits on.
 */
public final class PortForwarder implements TrafficSwitch, Closeable {
    private static final Logger log = LoggerFactory.getLogger(PortForwarder.class);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = ForwarderLimits.DEFAULTS.connectTimeout();

    private final String service;
    private final ServerSocketChannel server;
    private final AtomicReference<ForwardTarget> target = new AtomicReference<>();
    /** Open connections per target (connecting ones included). */
    private final TargetCounts open = new TargetCounts();

    private final ForwarderLoop loop;
    private final Thread thread;

    private PortForwarder(
            String service,
            ServerSocketChannel server,
            Selector selector,
            ForwarderLimits limits,
            ProxyListener listener) {
        this.service = service;
        this.server = server;
        this.loop = new ForwarderLoop(service, server, selector, limits, listener, target, open);
        this.thread = new Thread(loop, "proxy-" + service);
        this.thread.setDaemon(true);
    }

    /**
     * Listens on {@code listen} for {@code service}, with no target yet (connections are closed until
     * {@link #switchTo}). Throws {@link ProxyBindException} naming the address and the service when the address
     * cannot be bound.
     */
    public static PortForwarder open(
            String service, InetSocketAddress listen, Duration connectTimeout, ProxyListener listener) {
        return open(service, listen, ForwarderLimits.DEFAULTS.withConnectTimeout(connectTimeout), listener);
    }

    /** Like {@link #open(String, InetSocketAddress, Duration, ProxyListener)}, within {@code limits}. */
    public static PortForwarder open(
            String service, InetSocketAddress listen, ForwarderLimits limits, ProxyListener listener) {
        Selector selector = null;
        ServerSocketChannel server = null;
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            // Lets a restarted agent bind again while connections of the previous run linger in TIME_WAIT.
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, 256);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            ForwardedConnection.closeQuietly(server);
            ForwardedConnection.closeQuietly(selector);
            throw new ProxyBindException(
                    "cannot listen on " + endpoint(listen) + " for service " + service + ": "
                            + ForwarderLoop.describe(e),
                    e);
        }
        PortForwarder forwarder = new PortForwarder(service, server, selector, limits, listener);
        forwarder.thread.start();
        Event.info(log, "proxy.listening")
                .with("service", service)
                .with(
                        "listen",
                        forwarder.localAddress().map(PortForwarder::endpoint).orElse("?"))
                .log();
        return forwarder;
    }

    /** The bound address (with the actual port when 0 was asked for); empty once closed. */
    public Optional<InetSocketAddress> localAddress() {
        try {
            return Optional.ofNullable((InetSocketAddress) server.getLocalAddress());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<ForwardTarget> switchTo(ForwardTarget newTarget) {
        ForwardTarget previous;
        // Under the lock the loop takes a target and counts the connection in: once this returns, every
        // connection to the previous target is counted, so awaitDrained cannot miss one accepted a moment ago.
        synchronized (open) {
            previous = target.getAndSet(newTarget);
        }
        if (!newTarget.equals(previous)) {
            Event.info(log, "proxy.switched")
                    .with("service", service)
                    .with("from", previous == null ? "none" : previous.endpoint())
                    .with("to", newTarget.endpoint())
                    .with("container", newTarget.container())
                    .log();
        }
        return Optional.ofNullable(previous);
    }

    @Override
    public Optional<ForwardTarget> target() {
        return Optional.ofNullable(target.get());
    }

    /** Connections open to {@code t} right now, those still connecting included. */
    public int activeConnections(ForwardTarget t) {
        return open.of(t);
    }

    /** Connections open right now, to any target. */
    public int activeConnections() {
        return open.total();
    }

    @Override
    public int awaitDrained(ForwardTarget t, Duration timeout) throws InterruptedException {
        return open.awaitNone(t, timeout);
    }

    /**
     * The agent is stopping: no new connection is accepted (the port is closed), the open ones get up to
     * {@code grace} to finish, then the rest is cut. Returns how many were cut.
     */
    public int shutdown(Duration grace) {
        stopAccepting();
        int cut;
        try {
            cut = open.awaitNone(null, grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cut = activeConnections();
        }
        close();
        Event.info(log, "proxy.stopped")
                .with("service", service)
                .with("connections_cut", cut)
                .log();
        return cut;
    }

    /** Closes the listening port (clients are refused from now on); open connections go on. */
    public void stopAccepting() {
        loop.stopAccepting();
    }

    /** Closes the port and every connection at once. */
    @Override
    public void close() {
        loop.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String endpoint(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
