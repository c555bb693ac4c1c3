package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 random requests (paths, methods, headers, bodies, malformed framing) against the real {@link AgentHttpServer}
 * over a socket, with a fake agent behind it: no answer may be a 5xx, none may hang, and the agent must be healthy
 * afterwards. Seeded; the seed is printed, and {@code -Dfuzz.seed=N} replays a run.
 */
class HttpFuzzTest {
    private static final int REQUESTS = 10_000;
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final String READ = "read-token-0123456789abcdef0123456789abcdef";
    private static final String TRIGGER = "trigger-token-0123456789abcdef0123456789ab";
    private static final List<String> PATHS = List.of(
            "/",
            "/healthz",
            "/status",
            "/metrics",
            "/v1/history",
            "/v1/update",
            "/v1/rollback",
            "/v1/hold",
            "/v1/release",
            "/ui/signin",
            "/ui/signout",
            "/ui/action");
    private static final List<String> METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "get", "PoSt", "BREW", "X");
    private static final List<String> PARAMS =
            List.of("service", "history", "retry_failed", "since", "limit", "cursor", "to", "by", "reason", "x");
    private static final String SAFE = "abcdefghijklmnopqrstuvwxyz0123456789-._~/";
    private static final String NASTY = "%/.?#&=;:+ \"'<>\\\u0000\u00e9\u2028\t{}[]|^`";

    @TempDir
    Path stateDir;

    private AgentHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void tenThousandRandomRequestsGetNoServerErrorAndLeaveTheAgentHealthy() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("HttpFuzzTest seed=" + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T15:00:00Z"));
        FakeControl control = new FakeControl();
        control.lastPollFinished = Optional.of(clock.instant());
        server = AgentHttpServer.start(
                new HttpConfig(
                        "127.0.0.1",
                        0,
                        Optional.of(new Secret(TRIGGER)),
                        Optional.of(new Secret(READ)),
                        List.of("agent.example.com")),
                control,
                StateStore.open(stateDir, clock),
                new AgentMetrics(clock),
                clock);

        Map<String, Integer> statuses = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        for (int i = 0; i < REQUESTS; i++) {
            byte[] request = request(random);
            String status = send(request);
            statuses.merge(status, 1, Integer::sum);
            if (status.startsWith("5") || status.equals("hung")) {
                serverErrors.add("#" + i + " " + status + ": " + printable(request));
            }
            assertThat(System.nanoTime())
                    .as("seed " + seed + ": over the time budget")
                    .isLessThan(deadline);
        }
        System.out.println("HttpFuzzTest statuses " + statuses);

        assertThat(serverErrors).as("seed " + seed).isEmpty();
        assertThat(send(get("/healthz", null))).as("seed " + seed).isEqualTo("200");
        assertThat(send(get("/status", "Bearer " + READ))).as("seed " + seed).isEqualTo("200");
        // The fuzz reached the routes, not only the refusals in front of them.
        assertThat(statuses).containsKeys("200", "401", "404", "405", "421");
    }

    private byte[] get(String path, String authorization) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"
                        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                        + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] request(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        head.append(pick(random, METHODS)).append(' ').append(target(random)).append(' ');
        head.append(
                random.nextInt(20) == 0 ? pick(random, List.of("HTTP/1.0", "HTTP/2", "HTTP/9.9", "FOO")) : "HTTP/1.1");
        head.append("\r\n");
        String host = switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "evil.example";
            case 2 -> "localhost:" + server.port();
            case 3 -> "agent.example.com";
            case 4 -> text(random, NASTY + SAFE, 30);
            default -> "127.0.0.1:" + server.port();
        };
        if (host != null) head.append("Host: ").append(host).append("\r\n");
        String authorization = switch (random.nextInt(7)) {
            case 0 -> "Bearer " + READ;
            case 1 -> "Bearer " + TRIGGER;
            case 2 -> "Basic " + Base64.getEncoder().encodeToString(("x:" + READ).getBytes(StandardCharsets.UTF_8));
            case 3 -> "Basic " + text(random, NASTY + SAFE, 40);
            case 4 -> pick(random, List.of("Bearer", "bearer ", "Digest x", "")) + text(random, SAFE, 60);
            default -> null;
        };
        if (authorization != null)
            head.append("Authorization: ").append(authorization).append("\r\n");
        if (random.nextInt(4) == 0) {
            head.append("Cookie: ")
                    .append(pick(random, List.of("redeploy_operator=", "a=b; redeploy_operator=", "")))
                    .append(text(random, SAFE + "=;", 50))
                    .append("\r\n");
        }
        for (int h = random.nextInt(4); h > 0; h--) {
            head.append(text(random, "abcdefghijklmnopqrstuvwxyz-", 20))
                    .append(": ")
                    .append(text(random, SAFE + NASTY, 200))
                    .append("\r\n");
        }
        byte[] body = new byte[random.nextInt(8) == 0 ? random.nextInt(5000) : random.nextInt(200)];
        if (random.nextBoolean()) {
            random.nextBytes(body);
        } else {
            body = form(random).getBytes(StandardCharsets.UTF_8);
        }
        switch (random.nextInt(6)) {
            case 0 ->
                head.append("Content-Length: ")
                        .append(pick(random, List.of("-1", "abc", "99999999999999999999", "0", " 12 ", "1,2")))
                        .append("\r\n");
            case 1 -> head.append("Transfer-Encoding: chunked\r\n");
            case 2 ->
                head.append("Content-Length: ")
                        .append(random.nextInt(body.length + 1))
                        .append("\r\n");
            default -> head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String target(Random random) {
        String path = switch (random.nextInt(5)) {
            case 0 -> "/" + text(random, SAFE, 40);
            case 1 -> pick(random, PATHS) + pick(random, List.of("/", "/..", "%2F", "//", "x", ";a=b"));
            case 2 -> "/" + text(random, SAFE, 4000);
            default -> pick(random, PATHS);
        };
        if (random.nextInt(3) == 0) return path;
        StringBuilder query = new StringBuilder("?");
        for (int p = random.nextInt(4); p >= 0; p--) {
            query.append(pick(random, PARAMS))
                    .append('=')
                    .append(
                            random.nextBoolean()
                                    ? pick(random, List.of("web", "db", "true", "maybe", "10", "-1", "2026-12-01"))
                                    : text(random, SAFE + "%&=+", 30))
                    .append('&');
        }
        return path + query;
    }

    private static String form(Random random) {
        StringBuilder form = new StringBuilder();
        for (String field : List.of("token", "csrf", "service", "action")) {
            if (random.nextBoolean()) {
                form.append(field)
                        .append('=')
                        .append(
                                random.nextBoolean()
                                        ? pick(random, List.of(TRIGGER, "web", "rollback", "hold", "x"))
                                        : text(random, SAFE + "%&=+", 40))
                        .append('&');
            }
        }
        return form.toString();
    }

    private static String pick(Random random, List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static String text(Random random, String alphabet, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** The status code, {@code closed} when the server hung up without one, {@code hung} after 5 s of silence. */
    private String send(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput(); // a body shorter than declared ends here instead of waiting
            } catch (IOException refusedMidway) {
                // the server may answer (413) and close before it read everything
            }
            InputStream in = socket.getInputStream();
            byte[] line = in.readNBytes(12);
            if (line.length < 12) return "closed";
            String text = new String(line, StandardCharsets.US_ASCII);
            return text.startsWith("HTTP/1.1 ") ? text.substring(9, 12) : "garbled";
        } catch (SocketTimeoutException e) {
            return "hung";
        } catch (IOException e) {
            return "closed"; // reset by the server
        }
    }

    private static String printable(byte[] request) {
        String text = new String(request, 0, Math.min(request.length, 300), StandardCharsets.UTF_8);
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
