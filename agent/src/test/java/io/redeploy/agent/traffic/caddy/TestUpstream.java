package io.redeploy.agent.traffic.caddy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny in-process HTTP/1.1 upstream on 127.0.0.1 that says which instance answered (plain Java, a thread per
 * connection, keep-alive):
 *
 * <ul>
 *   <li>any path: {@code 200} with the body {@code <name>\n} and the header {@code X-Upstream: <name>};
 *   <li>{@code /slow?seconds=N}: a chunked response of one line {@code <name> tick <i>} every 250 ms for N seconds;
 *   <li>an {@code Upgrade: websocket} request: a WebSocket that answers each text message with {@code <name>:<text>}.
 * </ul>
 */
public final class TestUpstream implements AutoCloseable {
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    public static final Duration TICK = Duration.ofMillis(250);

    private final String name;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    private TestUpstream(String name, ServerSocket server) {
        this.name = name;
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "upstream-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TestUpstream start(String name) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        return new TestUpstream(name, server);
    }

    public String name() {
        return name;
    }

    public UpstreamTarget target() {
        return new UpstreamTarget("127.0.0.1", server.getLocalPort());
    }

    /** Requests answered so far (a WebSocket counts once). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread t = new Thread(() -> serve(socket), "upstream-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new HashMap<>();
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.put(
                                line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
                in.skipNBytes(Long.parseLong(headers.getOrDefault("content-length", "0")));
                requests.incrementAndGet();
                String target = requestLine.split(" ")[1];
                if ("websocket".equalsIgnoreCase(headers.get("upgrade"))) {
                    webSocket(headers.get("sec-websocket-key"), in, out);
                    return;
                }
                if (target.startsWith("/slow")) {
                    slow(target, out);
                } else {
                    byte[] body = (name + "\n").getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream: " + name
                                    + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
                if ("close".equalsIgnoreCase(headers.get("connection"))) {
                    return;
                }
            }
        } catch (SocketException e) {
            // peer or close() cut the connection
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a test upstream: the client sees the cut
        } finally {
            open.remove(socket);
        }
    }

    private void slow(String target, OutputStream out) throws IOException, InterruptedException {
        int seconds = Integer.parseInt(target.replaceAll(".*[?&]seconds=(\\d+).*", "$1"));
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Upstream: " + name
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long ticks = Duration.ofSeconds(seconds).toMillis() / TICK.toMillis();
        for (int i = 1; i <= ticks; i++) {
            Thread.sleep(TICK.toMillis());
            byte[] line = (name + " tick " + i + "\n").getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(line.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(line);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void webSocket(String key, InputStream in, OutputStream out) throws IOException {
        out.write(
                ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                                + accept(key) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return;
            }
            int opcode = b0 & 0x0f;
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.read();
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
            byte[] payload = in.readNBytes((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            switch (opcode) {
                case 0x1 ->
                    writeFrame(
                            out,
                            0x1,
                            (name + ":" + new String(payload, StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8));
                case 0x8 -> {
                    writeFrame(out, 0x8, payload);
                    return;
                }
                case 0x9 -> writeFrame(out, 0xA, payload);
                default -> {}
            }
        }
    }

    private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(payload);
        out.flush();
    }

    private static String accept(String key) {
        try {
            byte[] sha1 =
                    MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
