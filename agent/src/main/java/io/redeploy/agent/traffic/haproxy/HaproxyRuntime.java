package io.redeploy.agent.traffic.haproxy;

import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of HAProxy's runtime API (the {@code stats socket ... level admin} Unix socket; tested with Debian's 2.6):
 * one connection per command, HAProxy answers and closes. Nothing here reloads HAProxy: a runtime change applies at
 * once to new requests and leaves every open connection alone, and it is lost when HAProxy restarts or reloads (its
 * config file's state comes back), which {@link HaproxySwitch#ensure()} repairs. Failures are
 * {@link HaproxyRuntimeException}s naming the socket and the command.
 */
public final class HaproxyRuntime {
    private final Path socket;
    private final Duration timeout;

    public HaproxyRuntime(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public Path socket() {
        return socket;
    }

    /** A cheap liveness check ({@code show info}); throws when HAProxy does not answer. */
    public void ping() {
        String info = execute("show info");
        if (!info.contains("Name: HAProxy")) {
            throw failure("show info", "unexpected answer: " + first(info), null);
        }
    }

    /** The servers of {@code backend}, in config order. */
    public List<ServerSlot> servers(String backend) {
        String command = "show servers state " + backend;
        String answer = execute(command);
        List<ServerSlot> slots = new ArrayList<>();
        for (String line : answer.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 19 || line.startsWith("#")) {
                continue;
            }
            // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ... srv_port (19th)
            try {
                slots.add(new ServerSlot(
                        f[3],
                        new UpstreamTarget(f[4], Integer.parseInt(f[18])),
                        Integer.parseInt(f[5]),
                        Integer.parseInt(f[6])));
            } catch (IllegalArgumentException e) {
                throw failure(command, "unreadable server line: " + line, e);
            }
        }
        if (slots.isEmpty()) {
            throw failure(command, first(answer), null);
        }
        return slots;
    }

    /** Points {@code backend/server} at {@code target} for new connections; open ones stay where they are. */
    public void setAddress(String backend, String server, UpstreamTarget target) {
        String command = "set server " + backend + "/" + server + " addr " + target.host() + " port " + target.port();
        String answer = execute(command);
        if (!answer.contains("changed") && !answer.contains("no need to change")) {
            throw failure(command, first(answer), null);
        }
    }

    /** {@code ready}, {@code drain} (no new request, open ones go on) or {@code maint}. */
    public void setState(String backend, String server, String state) {
        String command = "set server " + backend + "/" + server + " state " + state;
        String answer = execute(command);
        if (!answer.isBlank()) {
            throw failure(command, first(answer), null);
        }
    }

    /** Current sessions per server of {@code backend} ({@code scur} of {@code show stat}), WebSockets included. */
    public Map<String, Integer> currentSessions(String backend) {
        String command = "show stat " + backend + " 4 -1";
        String answer = execute(command);
        String[] lines = answer.split("\n");
        if (lines.length < 2 || !lines[0].startsWith("# pxname,svname")) {
            throw failure(command, first(answer), null);
        }
        List<String> columns = List.of(lines[0].substring(2).split(","));
        int scur = columns.indexOf("scur");
        Map<String, Integer> sessions = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > scur && f[0].equals(backend)) {
                sessions.put(f[1], Integer.parseInt(f[scur]));
            }
        }
        return sessions;
    }

    /** Sends one command; returns HAProxy's whole answer. */
    public String execute(String command) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw failure(command, "no answer within " + timeout.toMillis() + " ms", null);
                }
                selector.select(left);
                if (key.isWritable() && out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (key.isReadable()) {
                    int n = channel.read(in.clear());
                    if (n < 0) {
                        return answer.toString(StandardCharsets.UTF_8);
                    }
                    answer.write(in.array(), 0, n);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw failure(command, "no answer: " + e, e);
        }
    }

    private HaproxyRuntimeException failure(String command, String reason, Throwable cause) {
        return new HaproxyRuntimeException("haproxy runtime " + socket + ": '" + command + "': " + reason, cause);
    }

    private static String first(String answer) {
        return answer.strip().lines().findFirst().orElse("(empty answer)");
    }
}
