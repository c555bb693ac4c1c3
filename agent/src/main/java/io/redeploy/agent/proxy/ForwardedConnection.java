package io.redeploy.agent.proxy;

import io.redeploy.agent.traffic.ForwardTarget;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One client connection and its connection to the target, with a buffer per direction. Lives on its forwarder's
 * selector thread only; {@code onClose} gives the forwarder its bookkeeping back (the target's count, the client's).
 */
final class ForwardedConnection {
    final ForwardTarget target;
    final InetAddress clientAddress;
    private final SocketChannel client;
    private final SocketChannel upstream;
    private final Pipe toTarget;
    private final Pipe toClient;
    private final String service;
    private final ProxyListener listener;
    private final Consumer<ForwardedConnection> onClose;
    private final long acceptedAt = System.nanoTime();
    private long lastActivity = acceptedAt;
    private SelectionKey clientKey;
    private SelectionKey upstreamKey;
    private boolean connected;
    private boolean closed;

    ForwardedConnection(
            ForwardTarget target,
            InetAddress clientAddress,
            SocketChannel client,
            SocketChannel upstream,
            String service,
            ProxyListener listener,
            Consumer<ForwardedConnection> onClose) {
        this.target = target;
        this.clientAddress = clientAddress;
        this.client = client;
        this.upstream = upstream;
        this.toTarget = new Pipe(client, upstream);
        this.toClient = new Pipe(upstream, client);
        this.service = service;
        this.listener = listener;
        this.onClose = onClose;
    }

    /** The selection key attachment: which connection, and which of its two sockets. */
    record End(ForwardedConnection connection, boolean client) {}

    void register(Selector selector, boolean connectedAtOnce) throws ClosedChannelException {
        clientKey = client.register(selector, 0, new End(this, true));
        upstreamKey = upstream.register(selector, SelectionKey.OP_CONNECT, new End(this, false));
        if (connectedAtOnce) {
            connected();
        }
    }

    boolean connecting() {
        return !connected;
    }

    /** Why the connection is to be closed at {@code now} (System.nanoTime), if it is. */
    Optional<String> expired(long now, ForwarderLimits limits) {
        if (!connected) {
            return now - acceptedAt > limits.connectTimeout().toNanos()
                    ? Optional.of("connect timeout")
                    : Optional.empty();
        }
        long silent = now - lastActivity;
        if ((toTarget.shut() || toClient.shut())
                && silent > limits.halfClosedTimeout().toNanos()) {
            return Optional.of("half-closed timeout");
        }
        return silent > limits.idleTimeout().toNanos() ? Optional.of("idle timeout") : Optional.empty();
    }

    /** A socket of this connection is ready ({@code clientSide}: the client's). */
    void ready(SelectionKey key, boolean clientSide) {
        try {
            if (key.isConnectable()) {
                if (upstream.finishConnect()) {
                    connected();
                }
                return;
            }
            if (key.isReadable() && (clientSide ? toTarget : toClient).read() > 0) {
                lastActivity = System.nanoTime();
            }
            pump();
        } catch (IOException | CancelledKeyException e) {
            close(false, connected ? "reset" : "target refused");
        }
    }

    void close(boolean forwarded, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(client);
        closeQuietly(upstream);
        onClose.accept(this);
        if (connected) {
            listener.closed(service, toTarget.bytes(), toClient.bytes());
        } else if (!forwarded) {
            listener.rejected(service, reason);
        }
    }

    private void connected() {
        connected = true;
        lastActivity = System.nanoTime();
        listener.opened(service);
        interest();
    }

    /** Moves what can be moved without blocking, then asks the selector for what is missing. */
    private void pump() throws IOException {
        toTarget.flush();
        toClient.flush();
        if (toTarget.shut() && toClient.shut()) {
            close(true, "done");
        } else {
            interest();
        }
    }

    private void interest() {
        clientKey.interestOps((toTarget.wantsRead() ? SelectionKey.OP_READ : 0)
                | (toClient.wantsWrite() ? SelectionKey.OP_WRITE : 0));
        upstreamKey.interestOps((toClient.wantsRead() ? SelectionKey.OP_READ : 0)
                | (toTarget.wantsWrite() ? SelectionKey.OP_WRITE : 0));
    }

    static void closeQuietly(Closeable c) {
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
