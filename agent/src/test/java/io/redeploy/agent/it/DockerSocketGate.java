package io.redeploy.agent.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A Unix-socket proxy in front of the Docker engine's socket that can stop one chosen Engine API call, so a test
 * can kill the agent at an exact step of a deploy instead of guessing it from logs.
 *
 * <p>The agent opens one connection per engine request ({@code Connection: close}), so the gate reads the request
 * head of each connection, checks it against its rules, and otherwise pipes both ways untouched (full duplex:
 * pulls and the event stream are long-lived). A rule fires once:
 * <ul>
 *   <li>{@link #holdRequest}: the request is never forwarded; the engine does nothing, the agent waits;</li>
 *   <li>{@link #holdResponse}: the engine does the work, but its answer never reaches the agent.</li>
 * </ul>
 * A held connection stays open until the agent dies or the gate is closed; later connections pass through.
 */
final class DockerSocketGate implements AutoCloseable {
    private static final Path ENGINE = Path.of("/var/run/docker.sock");
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEAD = 64 * 1024;

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final List<Hold> rules = new CopyOnWriteArrayList<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    private DockerSocketGate(Path dir) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("gate.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(this::acceptLoop, "docker-gate-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a new socket in a short temp dir (a Unix socket path is limited to ~108 bytes). */
    static DockerSocketGate open() {
        try {
            return new DockerSocketGate(Files.createTempDirectory(Path.of("/tmp"), "redeploy-gate-"));
        } catch (IOException e) {
            throw new IllegalStateException("could not open the Docker socket gate: " + e, e);
        }
    }

    /** The value for the agent's {@code docker.host}. */
    String host() {
        return "unix://" + socket;
    }

    /** The first {@code method} request whose path (with its version prefix and query) matches is never forwarded. */
    Hold holdRequest(String method, String pathRegex) {
        return add(new Hold(method, pathRegex, false));
    }

    /** The first matching request is forwarded, but the engine's answer is not passed back. */
    Hold holdResponse(String method, String pathRegex) {
        return add(new Hold(method, pathRegex, true));
    }

    private Hold add(Hold hold) {
        rules.add(hold);
        return hold;
    }

    /** One rule: fires at most once; {@link #awaitHeld} returns once it did. */
    static final class Hold {
        private final String method;
        private final Pattern path;
        private final boolean forward;
        private final CountDownLatch held = new CountDownLatch(1);
        private volatile String requestLine = "";

        private Hold(String method, String pathRegex, boolean forward) {
            this.method = method;
            this.path = Pattern.compile("^(/v[0-9.]+)?" + pathRegex + "(\\?.*)?$");
            this.forward = forward;
        }

        boolean matches(String method, String target) {
            return this.method.equals(method) && path.matcher(target).matches();
        }

        /** Fails when the call was not held (its request, or its answer for a response rule) within {@code atMost}. */
        void awaitHeld(Duration atMost) {
            try {
                if (!held.await(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the agent made no " + method + " " + path + " within " + atMost);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        boolean isHeld() {
            return held.getCount() == 0;
        }

        String requestLine() {
            return requestLine;
        }

        @Override
        public String toString() {
            return (forward ? "hold the response of " : "hold ") + method + " " + path;
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                open.add(client);
                daemon("docker-gate-conn", () -> serve(client));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) return;
            }
        }
    }

    private void serve(SocketChannel client) {
        SocketChannel engine = null;
        try {
            ByteBuffer head = readHead(client);
            String requestLine = requestLine(head);
            String[] parts = requestLine.split(" ");
            Hold rule = parts.length >= 2 ? claim(parts[0], parts[1]) : null;
            if (rule != null) {
                rule.requestLine = requestLine;
            }
            if (rule != null && !rule.forward) {
                rule.held.countDown();
                drain(client); // keep it open (nothing goes to the engine) until the agent dies
                return;
            }
            SocketChannel upstream = SocketChannel.open(StandardProtocolFamily.UNIX);
            engine = upstream;
            open.add(upstream);
            upstream.connect(UnixDomainSocketAddress.of(ENGINE));
            head.flip();
            writeFully(upstream, head);
            Thread up = daemon("docker-gate-up", () -> pipe(client, upstream));
            if (rule != null) {
                awaitAnswer(upstream, rule); // then the agent's connection stays open until it dies
            } else {
                pipe(upstream, client);
            }
            up.join();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The agent was killed or the gate closed: nothing to report.
        } finally {
            closeQuietly(client);
            open.remove(client);
            if (engine != null) {
                closeQuietly(engine);
                open.remove(engine);
            }
        }
    }

    private synchronized Hold claim(String method, String target) {
        for (Hold rule : rules) {
            if (rule.matches(method, target)) {
                rules.remove(rule);
                return rule;
            }
        }
        return null;
    }

    /** Reads until the end of the request head; the buffer may hold the start of the body too (forwarded as is). */
    private static ByteBuffer readHead(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_HEAD);
        while (indexOf(buffer, END_OF_HEAD) < 0) {
            if (!buffer.hasRemaining() || client.read(buffer) < 0) {
                throw new IOException("no request head");
            }
        }
        return buffer;
    }

    private static String requestLine(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.position()];
        buffer.duplicate().flip().get(bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        return eol < 0 ? text : text.substring(0, eol);
    }

    private static int indexOf(ByteBuffer buffer, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= buffer.position(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer.get(i + j) != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** Response rule: swallow the engine's answer, signal once it came, keep the agent's connection open. */
    private static void awaitAnswer(SocketChannel engine, Hold rule) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (engine.read(buffer) >= 0) {
            if (buffer.position() > 0) {
                rule.held.countDown();
            }
            buffer.clear();
        }
        rule.held.countDown();
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then ends {@code to}'s output (half-close). */
    private static void pipe(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                writeFully(to, buffer);
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void drain(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            buffer.clear();
        }
    }

    private static void writeFully(SocketChannel to, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            to.write(buffer);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
        }
        open.forEach(DockerSocketGate::closeQuietly);
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
        }
    }
}
