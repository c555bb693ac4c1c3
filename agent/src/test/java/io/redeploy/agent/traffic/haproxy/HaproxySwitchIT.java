package io.redeploy.agent.traffic.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.caddy.LoadClient;
import io.redeploy.agent.traffic.caddy.SwitchUnderLoad;
import io.redeploy.agent.traffic.caddy.TestClients;
import io.redeploy.agent.traffic.caddy.TestUpstream;
import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import io.redeploy.agent.traffic.caddy.WebSocketProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same switch scenarios as the Caddy ITs, against a real HAProxy (Debian's 2.6) driven by its runtime API only. */
class HaproxySwitchIT {
    private HaproxyProcess haproxy;
    private TestUpstream a;
    private TestUpstream b;
    private final OkHttpClient http = TestClients.newConnectionEach();

    @BeforeEach
    void start() throws Exception {
        haproxy = HaproxyProcess.start(
                Map.of("web", List.of("web.test"), "api", List.of("api.test"), "ws", List.of("127.0.0.1")));
        a = TestUpstream.start("a");
        b = TestUpstream.start("b");
    }

    @AfterEach
    void stop() throws Exception {
        try (TestUpstream x = a;
                TestUpstream y = b) {
            haproxy.close();
        }
    }

    @Test
    void twentySwitchesUnderLoadFailNoRequestEvenOfClientsThatNeverRetry() throws Exception {
        HttpUrl url = HttpUrl.get("http://web.test:" + haproxy.httpPort() + "/");

        SwitchUnderLoad.Outcome outcome =
                SwitchUnderLoad.run("haproxy-" + HaproxyProcess.version(), switchFor("web"), a, b, url, 20);

        assertThat(outcome.failed(SwitchUnderLoad.NEW_CONNECTION)).isEmpty();
        assertThat(outcome.failed(SwitchUnderLoad.KEEP_ALIVE_NO_RETRY)).isEmpty();
        assertThat(outcome.failed(SwitchUnderLoad.KEEP_ALIVE_RETRYING_STALE)).isEmpty();
        assertThat(outcome.stale().values()).containsOnly(0L);
        assertThat(outcome.results().get(SwitchUnderLoad.KEEP_ALIVE_NO_RETRY))
                .extracting(LoadClient.Result::answeredBy)
                .contains("a", "b");
    }

    @Test
    void anUnreachableRuntimeSocketFailsWithATypedErrorAndTrafficStays() throws Exception {
        switchFor("web").switchTo(a.target());
        Path missing = haproxy.socket().resolveSibling("missing.sock");
        HaproxySwitch cut = new HaproxySwitch(
                new HaproxyRuntime(missing, Duration.ofSeconds(2)),
                "web",
                "be_web",
                Clock.systemUTC(),
                Sleeper.real(),
                Duration.ofMillis(50));

        assertThatThrownBy(() -> cut.switchTo(b.target()))
                .isInstanceOf(HaproxyRuntimeException.class)
                .hasMessageContaining("haproxy runtime " + missing)
                .hasMessageContaining("'show servers state be_web': no answer");
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void aCommandHaproxyRefusesFailsClearlyAndTheOldUpstreamStillServes() throws Exception {
        HaproxySwitch web = switchFor("web");
        web.switchTo(a.target());

        // set server ... addr takes an IP address, not a name
        assertThatThrownBy(() -> web.switchTo(new UpstreamTarget("app.internal", 8000)))
                .isInstanceOf(HaproxyRuntimeException.class)
                .hasMessageContaining(
                        "'set server be_web/green addr app.internal port 8000': Invalid addr 'app.internal'");
        assertThat(web.target()).contains(a.target());
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void aKilledHaproxyStartedAgainForgetsTheSwitchAndEnsurePutsItBack() throws Exception {
        HaproxySwitch web = switchFor("web");
        web.switchTo(a.target());
        web.switchTo(b.target());

        haproxy.kill();
        haproxy.startAgain();

        assertThat(status("web.test")).isEqualTo(503);
        assertThat(web.ensure()).isEqualTo(HaproxySwitch.Outcome.RESTORED);
        assertThat(get("web.test")).isEqualTo("b");
        assertThat(web.ensure()).isEqualTo(HaproxySwitch.Outcome.UNCHANGED);
    }

    @Test
    void twoServicesAreSwitchedIndependently() throws Exception {
        try (TestUpstream c = TestUpstream.start("c");
                TestUpstream d = TestUpstream.start("d")) {
            HaproxySwitch web = switchFor("web");
            HaproxySwitch api = switchFor("api");
            web.switchTo(a.target());
            api.switchTo(c.target());
            web.switchTo(b.target());
            assertThat(List.of(get("web.test"), get("api.test"))).containsExactly("b", "c");
            api.switchTo(d.target());
            assertThat(List.of(get("web.test"), get("api.test"))).containsExactly("b", "d");
        }
    }

    @Test
    void aStreamingResponseStartedBeforeASwitchCompletesAndIsWaitedForByTheDrain() throws Exception {
        HaproxySwitch web = switchFor("web");
        web.switchTo(a.target());
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> end = CompletableFuture.supplyAsync(() -> stream(lines));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lines.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        long switchedAt = System.nanoTime();
        web.switchTo(b.target());
        assertThat(get("web.test")).isEqualTo("b");
        int open = web.awaitDrained(a.target(), Duration.ofSeconds(15));
        long drainMillis = (System.nanoTime() - switchedAt) / 1_000_000;

        System.out.printf(
                "measure=haproxy.stream haproxy=%s lines=%d end=\"%s\" drain_ms_after_switch=%d open=%d%n",
                HaproxyProcess.version(), lines.size(), end.get(15, TimeUnit.SECONDS), drainMillis, open);
        assertThat(end.get()).isEqualTo("complete");
        assertThat(lines).hasSize(20).allMatch(l -> l.startsWith("a tick "));
        assertThat(open).isZero();
        assertThat(drainMillis).isGreaterThan(2_500);
    }

    @Test
    void aWebSocketOpenedBeforeASwitchStaysOpenOnTheOldUpstreamAndHoldsTheDrain() throws Exception {
        HaproxySwitch ws = switchFor("ws");
        HaproxySwitch web = switchFor("web");
        ws.switchTo(a.target());
        web.switchTo(a.target());
        WebSocketProbe probe = WebSocketProbe.open(URI.create("ws://127.0.0.1:" + haproxy.httpPort() + "/ws"));
        try {
            assertThat(probe.ask("before", Duration.ofSeconds(5))).isEqualTo("a:before");

            ws.switchTo(b.target());
            web.switchTo(b.target());
            int open = ws.awaitDrained(a.target(), Duration.ofSeconds(2));
            String after = probe.ask("after", Duration.ofSeconds(5));

            System.out.printf(
                    "measure=haproxy.websocket haproxy=%s after_switches=\"%s\" answer_after=%s drain_open_after_2s=%d%n",
                    HaproxyProcess.version(), probe.end() == null ? "still open" : probe.end(), after, open);
            assertThat(probe.end()).isNull();
            assertThat(after).isEqualTo("a:after");
            assertThat(open).isEqualTo(1);
            WebSocketProbe fresh = WebSocketProbe.open(URI.create("ws://127.0.0.1:" + haproxy.httpPort() + "/ws"));
            assertThat(fresh.ask("new", Duration.ofSeconds(5))).isEqualTo("b:new");
            fresh.close();
        } finally {
            probe.close();
        }
        assertThat(ws.awaitDrained(a.target(), Duration.ofSeconds(10))).isZero();
    }

    private HaproxySwitch switchFor(String service) {
        return new HaproxySwitch(
                new HaproxyRuntime(haproxy.socket(), Duration.ofSeconds(5)),
                service,
                HaproxyProcess.backend(service),
                Clock.systemUTC(),
                Sleeper.real(),
                Duration.ofMillis(50));
    }

    private String stream(List<String> lines) {
        Request request = new Request.Builder()
                .url("http://web.test:" + haproxy.httpPort() + "/slow?seconds=5")
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

    private String get(String host) throws IOException {
        try (Response response = http.newCall(request(host)).execute()) {
            return response.body().string().strip();
        }
    }

    private int status(String host) throws IOException {
        try (Response response = http.newCall(request(host)).execute()) {
            return response.code();
        }
    }

    private Request request(String host) {
        return new Request.Builder()
                .url("http://" + host + ":" + haproxy.httpPort() + "/")
                .build();
    }
}
