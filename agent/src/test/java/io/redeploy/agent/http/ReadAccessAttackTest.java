package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 3, as an attacker would try it: read the agent's state without the read token, and read it from a
 * browser through a name re-pointed at the server (DNS rebinding: the browser sends {@code Host: evil.example}).
 */
class ReadAccessAttackTest {
    private static final String READ = "read-token-0123456789abcdef0123456789abcdef";
    private static final String TRIGGER = "trigger-token-0123456789abcdef0123456789ab";

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T15:00:00Z"));
    private AgentHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void start(Optional<Secret> read, List<String> allowedHosts) {
        FakeControl control = new FakeControl();
        control.lastPollFinished = Optional.of(clock.instant());
        server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.of(new Secret(TRIGGER)), read, allowedHosts),
                control,
                StateStore.open(stateDir, clock),
                new AgentMetrics(clock),
                clock);
    }

    @Test
    void everyReadRouteRefusesAReaderWithoutTheReadToken() throws IOException {
        start(Optional.of(new Secret(READ)), List.of());
        for (String path : List.of("/", "/status", "/metrics", "/v1/history")) {
            assertThat(status(path, local(), null)).as(path).isEqualTo(401);
            assertThat(status(path, local(), "Bearer wrong-token")).as(path).isEqualTo(401);
            assertThat(status(path, local(), "Basic " + basic("admin:wrong")))
                    .as(path)
                    .isEqualTo(401);
        }
        // Basic is what a browser offers after the challenge: the status page stays usable.
        assertThat(raw("/", local(), null).toLowerCase(java.util.Locale.ROOT))
                .contains("www-authenticate: basic realm=\"redeploy-agent\"");
    }

    @Test
    void theReadTokenTheTriggerTokenOrBasicWithTheTokenReadAndHealthzStaysOpen() throws IOException {
        start(Optional.of(new Secret(READ)), List.of());
        for (String path : List.of("/", "/status", "/metrics", "/v1/history")) {
            assertThat(status(path, local(), "Bearer " + READ)).as(path).isEqualTo(200);
            assertThat(status(path, local(), "Bearer " + TRIGGER)).as(path).isEqualTo(200);
            assertThat(status(path, local(), "Basic " + basic("me:" + READ)))
                    .as(path)
                    .isEqualTo(200);
        }
        assertThat(status("/healthz", local(), null)).isEqualTo(200);
        assertThat(status("/healthz", "evil.example", null)).isEqualTo(200);
    }

    @Test
    void withoutAReadTokenReadsOnLoopbackStayOpen() throws IOException {
        start(Optional.empty(), List.of());
        assertThat(status("/status", local(), null)).isEqualTo(200);
        assertThat(status("/status", "localhost:" + server.port(), null)).isEqualTo(200);
        assertThat(status("/status", "[::1]:" + server.port(), null)).isEqualTo(200);
        assertThat(status("/status", "127.0.0.1:9999", null))
                .as("a port mapping in front")
                .isEqualTo(200);
        assertThat(status("/status", null, null)).isEqualTo(200); // HTTP/1.0 without Host: not a browser
    }

    @Test
    void aRebindingPageCannotReadThroughAForeignHostName() throws IOException {
        start(Optional.empty(), List.of());
        for (String host : List.of(
                "evil.example:" + server.port(),
                "evil.example",
                "localhost.evil.example:" + server.port(),
                "127.0.0.1.nip.io:" + server.port(),
                "127.0.0.1:" + server.port() + ":1",
                "[::1]x",
                "")) {
            for (String path : List.of("/", "/status", "/metrics", "/v1/history", "/v1/update", "/ui/action")) {
                assertThat(status(path, host, "Bearer " + TRIGGER))
                        .as(path + " Host: " + host)
                        .isEqualTo(421);
            }
        }
    }

    @Test
    void aConfiguredNameIsAnsweredOnAnyPortBehindAProxy() throws IOException {
        start(Optional.of(new Secret(READ)), List.of("agent.example.com", "ops.example.com:8443"));
        assertThat(status("/status", "agent.example.com", "Bearer " + READ)).isEqualTo(200);
        assertThat(status("/status", "AGENT.example.com:443", "Bearer " + READ)).isEqualTo(200);
        assertThat(status("/status", "ops.example.com:8443", "Bearer " + READ)).isEqualTo(200);
        assertThat(status("/status", "ops.example.com:443", "Bearer " + READ)).isEqualTo(421);
    }

    private String local() {
        return "127.0.0.1:" + server.port();
    }

    private static String basic(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private int status(String path, String host, String authorization) throws IOException {
        String answer = raw(path, host, authorization);
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** Hand-written, since HttpClient will not send a Host header of the caller's choosing. */
    private String raw(String path, String host, String authorization) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n"));
        if (host != null) request.append("Host: ").append(host).append("\r\n");
        if (authorization != null)
            request.append("Authorization: ").append(authorization).append("\r\n");
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
