package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.time.Sleeper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a switch does to connections that outlive it, on Debian's Caddy 2.6.2: a slow streaming response (an ordinary
 * request) and a WebSocket (a connection {@code reverse_proxy} hijacks).
 */
class CaddyLongLivedIT {
    private static final Duration STREAM = Duration.ofSeconds(5);

    private CaddyProcess caddy;
    private TestUpstream a;
    private TestUpstream b;

    @BeforeEach
    void start() throws Exception {
        caddy = CaddyProcess.start();
        a = TestUpstream.start("a");
        b = TestUpstream.start("b");
    }

    @AfterEach
    void stop() throws Exception {
        try (TestUpstream x = a;
                TestUpstream y = b) {
            caddy.close();
        }
    }

    @Test
    void aStreamingResponseStartedBeforeASwitchCompletesOnTheOldUpstreamAndIsWaitedForByTheDrain() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        web.switchTo(a.target());
        OkHttpClient http = TestClients.newConnectionEach();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> streamEnd = CompletableFuture.supplyAsync(() -> stream(http, lines));
        awaitLines(lines, 2);

        long switchedAt = System.nanoTime();
        web.switchTo(b.target());
        assertThat(get(http)).isEqualTo("b");
        int running = web.awaitDrained(a.target(), Duration.ofSeconds(15));
        long drainMillis = (System.nanoTime() - switchedAt) / 1_000_000;
        String end = streamEnd.get(15, TimeUnit.SECONDS);

        System.out.printf(
                "measure=caddy.stream caddy=%s stream_s=%d lines=%d end=\"%s\" drain_ms_after_switch=%d running=%d%n",
                CaddyProcess.version(), STREAM.toSeconds(), lines.size(), end, drainMillis, running);
        long ticks = STREAM.toMillis() / TestUpstream.TICK.toMillis();
        assertThat(end).isEqualTo("complete");
        assertThat(lines).hasSize((int) ticks).allMatch(l -> l.startsWith("a tick "));
        assertThat(running).isZero();
        assertThat(drainMillis).isGreaterThan(STREAM.toMillis() / 2); // waited for the stream, not just for Caddy
    }

    @Test
    void aWebSocketOpenedBeforeASwitchIsClosedByCaddyWithGoingAway() throws Exception {
        CaddySwitch ws = switchFor(new CaddyRoute("ws", CaddyProcess.PLAIN, List.of("127.0.0.1")));
        ws.switchTo(a.target());
        WebSocketProbe probe = WebSocketProbe.open(URI.create("ws://127.0.0.1:" + caddy.httpPort() + "/ws"));
        try {
            assertThat(probe.ask("before", Duration.ofSeconds(5))).isEqualTo("a:before");

            long switchedAt = System.nanoTime();
            ws.switchTo(b.target());
            String end = probe.awaitEnd(Duration.ofSeconds(5));
            String after = end == null ? probe.ask("after", Duration.ofSeconds(2)) : null;

            System.out.printf(
                    "measure=caddy.websocket caddy=%s on_switch=\"%s\" ms_after_switch=%d answer_after=%s%n",
                    CaddyProcess.version(),
                    end == null ? "still open" : end,
                    end == null ? -1 : (probe.endedAtNanos() - switchedAt) / 1_000_000,
                    after);
            assertThat(end).isEqualTo("close 1001");
        } finally {
            probe.close();
        }
    }

    @Test
    void aSwitchOfAnotherServiceClosesWebSocketsTooButAnUnchangedEnsureDoesNot() throws Exception {
        CaddySwitch ws = switchFor(new CaddyRoute("ws", CaddyProcess.PLAIN, List.of("127.0.0.1")));
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        ws.switchTo(a.target());
        web.switchTo(a.target());
        WebSocketProbe probe = WebSocketProbe.open(URI.create("ws://127.0.0.1:" + caddy.httpPort() + "/ws"));
        try {
            assertThat(ws.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
            assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
            assertThat(probe.ask("after ensure", Duration.ofSeconds(5))).isEqualTo("a:after ensure");

            web.switchTo(b.target());
            String end = probe.awaitEnd(Duration.ofSeconds(5));
            System.out.printf(
                    "measure=caddy.websocket_other_service caddy=%s on_other_switch=\"%s\"%n",
                    CaddyProcess.version(), end == null ? "still open" : end);
            assertThat(end).isEqualTo("close 1001");
        } finally {
            probe.close();
        }
    }

    private String stream(OkHttpClient http, List<String> lines) {
        Request request = new Request.Builder()
                .url("http://web.test:" + caddy.httpPort() + "/slow?seconds=" + STREAM.toSeconds())
                .build();
        try (Response response = http.newCall(request).execute();
                BufferedReader reader = new BufferedReader(response.body().charStream())) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
            return "complete";
        } catch (IOException e) {
            return "cut: " + e;
        }
    }

    private static void awaitLines(List<String> lines, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
    }

    private String get(OkHttpClient http) throws IOException {
        Request request = new Request.Builder()
                .url("http://web.test:" + caddy.httpPort() + "/")
                .build();
        try (Response response = http.newCall(request).execute()) {
            return response.body().string().strip();
        }
    }

    private CaddySwitch switchFor(CaddyRoute route) {
        return new CaddySwitch(
                CaddyAdmin.create(caddy.adminUrl(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                route,
                Clock.systemUTC(),
                Sleeper.real(),
                Duration.ofMillis(50));
    }
}
