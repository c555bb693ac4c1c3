package io.redeploy.agent.proxy;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * 8 KiB buffers per connection, at most {@value #MAX_CONNECTIONS} connections; more are closed at once). Half-closes
 * are passed on: a client that shuts its output down still gets the whole answer. A connection whose target does not
 * accept within the connect timeout, or without any target, is closed at once, so a client never hangs on a dead
 * container. Connections are counted per target, which is what {@link #awaitDrained} waits on.
 */
public final class PortForwarder implements TrafficSwitch, Closeable {
    private static final Logger log = LoggerFactory.getLogger(PortForwarder.class);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** 512 connections x 2 x 8 KiB = 8 MiB of buffers at most: the agent runs in a 64 MiB heap. */
    public static final int MAX_CONNECTIONS = 512;

    private static final int BUFFER_BYTES = 8 * 1024;
    /** How often connects in progress are checked against their deadline. */
    private static final long CONNECT_CHECK_MILLIS = 100;

    private final String service;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final long connectTimeoutNanos;
    private final ProxyListener listener;
    private final AtomicReference<ForwardTarget> target = new AtomicReference<>();
    /** Open connections per target (connecting ones included); guarded by itself. */
    private final Map<ForwardTarget, Integer> open = new HashMap<>();
    /** Only touched by the loop thread. */
    private final Set<Connection> connections = new LinkedHashSet<>();

    private final Thread loop;
    private volatile boolean accepting = true;
    private volatile boolean closing;

    private PortForwarder(
            String service,
            ServerSocketChannel server,
            Selector selector,
            Duration connectTimeout,
            ProxyListener listener) {
        this.service = service;
        this.server = server;
        this.selector = selector;
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.listener = listener;
        this.loop = new Thread(this::run, "proxy-" + service);
        this.loop.setDaemon(true);
    }

    /**
     * Listens on {@code listen} for {@code service}, with no target yet (connections are closed until
     * {@link #switchTo}). Throws {@link ProxyBindException} naming the address and the service when the address
     * cannot be bound.
     */
    public static PortForwarder open(
            String service, InetSocketAddress listen, Duration connectTimeout, ProxyListener listener) {
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
            closeQuietly(server);
            closeQuietly(selector);
            throw new ProxyBindException(
                    "cannot listen on " + endpoint(listen) + " for service " + service + ": " + describe(e), e);
        }
        PortForwarder forwarder = new PortForwarder(service, server, selector, connectTimeout, listener);
        forwarder.loop.start();
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
        synchronized (open) {
            return open.getOrDefault(t, 0);
        }
    }

    /** Connections open right now, to any target. */
    public int activeConnections() {
        synchronized (open) {
            return open.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Override
    public int awaitDrained(ForwardTarget t, Duration timeout) throws InterruptedException {
        return await(() -> open.getOrDefault(t, 0), timeout);
    }

    /**
     * The agent is stopping: no new connection is accepted (the port is closed), the open ones get up to
     * {@code grace} to finish, then the rest is cut. Returns how many were cut.
     */
    public int shutdown(Duration grace) {
        stopAccepting();
        int cut;
        try {
            cut = await(() -> open.values().stream().mapToInt(Integer::intValue).sum(), grace);
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
        accepting = false;
        selector.wakeup();
    }

    /** Closes the port and every connection at once. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int await(java.util.function.IntSupplier count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            int left = count.getAsInt();
            while (left > 0) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(open, wait);
                left = count.getAsInt();
            }
            return left;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The selector loop: everything below runs on the forwarder's own thread.

    private void run() {
        try {
            while (!closing) {
                if (!accepting && server.isOpen()) {
                    server.close();
                }
                selector.select(connections.stream().anyMatch(c -> !c.connected) ? CONNECT_CHECK_MILLIS : 0);
                for (var keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.attachment() instanceof End end) {
                        try {
                            end.ready(key);
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
                expireConnects();
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
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    private void acceptAll() throws IOException {
        SocketChannel client;
        while (accepting && (client = server.accept()) != null) {
            if (connections.size() >= MAX_CONNECTIONS) {
                reject(client, "too many connections");
                continue;
            }
            ForwardTarget t;
            synchronized (open) {
                t = target.get();
                if (t != null) {
                    acquire(t); // counted before a switch can see the target as drained
                }
            }
            if (t == null) {
                reject(client, "no target");
            } else {
                forward(client, t);
            }
        }
    }

    /** {@code t} is already counted in {@link #open}: a connection that cannot be set up releases it. */
    private void forward(SocketChannel client, ForwardTarget t) {
        SocketChannel upstream = null;
        Connection c = null;
        try {
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            upstream = SocketChannel.open();
            upstream.configureBlocking(false);
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connectedAtOnce = upstream.connect(t.address());
            c = new Connection(t, client, upstream);
            c.clientKey = client.register(selector, 0, new End(c, true));
            c.upstreamKey = upstream.register(selector, SelectionKey.OP_CONNECT, new End(c, false));
            connections.add(c);
            if (connectedAtOnce) {
                c.connected();
            }
        } catch (IOException | RuntimeException e) {
            if (c != null && connections.contains(c)) {
                c.close(false, "target refused"); // closes both sockets, releases t
            } else {
                closeQuietly(upstream);
                release(t);
                reject(client, "target refused");
            }
        }
    }

    private void reject(SocketChannel client, String reason) {
        closeQuietly(client);
        listener.rejected(service, reason);
    }

    private void expireConnects() {
        long now = System.nanoTime();
        for (Connection c : new ArrayList<>(connections)) {
            if (!c.connected && now - c.acceptedAt > connectTimeoutNanos) {
                c.close(false, "connect timeout");
            }
        }
    }

    private void acquire(ForwardTarget t) {
        synchronized (open) {
            open.merge(t, 1, Integer::sum);
        }
    }

    private void release(ForwardTarget t) {
        synchronized (open) {
            open.computeIfPresent(t, (k, n) -> n > 1 ? n - 1 : null);
            open.notifyAll();
        }
    }

    /** One client connection and its connection to the target, with a buffer per direction. */
    private final class Connection {
        final ForwardTarget target;
        final SocketChannel client;
        final SocketChannel upstream;
        final Pipe toTarget;
        final Pipe toClient;
        final long acceptedAt = System.nanoTime();
        SelectionKey clientKey;
        SelectionKey upstreamKey;
        boolean connected;
        boolean closed;

        Connection(ForwardTarget target, SocketChannel client, SocketChannel upstream) {
            this.target = target;
            this.client = client;
            this.upstream = upstream;
            this.toTarget = new Pipe(client, upstream);
            this.toClient = new Pipe(upstream, client);
        }

        void connected() {
            connected = true;
            listener.opened(service);
            interest();
        }

        /** Moves what can be moved without blocking, then asks the selector for what is missing. */
        void pump() throws IOException {
            toTarget.flush();
            toClient.flush();
            if (toTarget.shut && toClient.shut) {
                close(true, "done");
            } else {
                interest();
            }
        }

        void interest() {
            clientKey.interestOps((toTarget.wantsRead() ? SelectionKey.OP_READ : 0)
                    | (toClient.wantsWrite() ? SelectionKey.OP_WRITE : 0));
            upstreamKey.interestOps((toClient.wantsRead() ? SelectionKey.OP_READ : 0)
                    | (toTarget.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        }

        void close(boolean forwarded, String reason) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(client);
            closeQuietly(upstream);
            connections.remove(this);
            release(target);
            if (connected) {
                listener.closed(service, toTarget.bytes, toClient.bytes);
            } else if (!forwarded) {
                listener.rejected(service, reason);
            }
        }
    }

    /** The selection key attachment: which connection, and which of its two sockets. */
    private record End(Connection connection, boolean client) {
        void ready(SelectionKey key) {
            Connection c = connection;
            try {
                if (key.isConnectable()) {
                    if (!c.upstream.finishConnect()) {
                        return;
                    }
                    c.connected();
                    return;
                }
                if (key.isReadable()) {
                    (client ? c.toTarget : c.toClient).read();
                }
                c.pump();
            } catch (IOException | java.nio.channels.CancelledKeyException e) {
                c.close(false, c.connected ? "reset" : "target refused");
            }
        }
    }

    /** One direction: bytes read from {@code from} wait in the buffer until {@code to} takes them. */
    private static final class Pipe {
        final SocketChannel from;
        final SocketChannel to;
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        boolean eof;
        boolean shut;
        long bytes;

        Pipe(SocketChannel from, SocketChannel to) {
            this.from = from;
            this.to = to;
        }

        boolean wantsRead() {
            return !eof && buffer.hasRemaining();
        }

        boolean wantsWrite() {
            return buffer.position() > 0;
        }

        void read() throws IOException {
            int n = from.read(buffer);
            if (n < 0) {
                eof = true;
            } else {
                bytes += n;
            }
        }

        /** Writes what the peer takes; once the source ended and all is written, passes the half-close on. */
        void flush() throws IOException {
            if (buffer.position() > 0) {
                buffer.flip();
                to.write(buffer);
                buffer.compact();
            }
            if (eof && buffer.position() == 0 && !shut) {
                to.shutdownOutput();
                shut = true;
            }
        }
    }

    static String endpoint(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String describe(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do with a socket that cannot even be closed
        }
    }
}
