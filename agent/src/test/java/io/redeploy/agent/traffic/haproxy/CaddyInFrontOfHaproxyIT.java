package io.redeploy.agent.traffic.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.caddy.CaddyAdmin;
import io.redeploy.agent.traffic.caddy.CaddyProcess;
import io.redeploy.agent.traffic.caddy.CaddyRoute;
import io.redeploy.agent.traffic.caddy.CaddySwitch;
import io.redeploy.agent.traffic.caddy.SwitchUnderLoad;
import io.redeploy.agent.traffic.caddy.TestClients;
import io.redeploy.agent.traffic.caddy.TestUpstream;
import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import io.redeploy.agent.traffic.caddy.WebSocketProbe;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Caddy in front (HTTPS, certificates), its routes pointing once at HAProxy on loopback and never changed by a deploy;
 * HAProxy behind switches through its runtime API. Caddy's config stays as it is on a switch, so nothing of Caddy's
 * reload behaviour applies.
 */
class CaddyInFrontOfHaproxyIT {
    private CaddyProcess caddy;
    private HaproxyProcess haproxy;
    private TestUpstream a;
    private TestUpstream b;

    @BeforeEach
    void start() throws Exception {
        caddy = CaddyProcess.start();
        haproxy = HaproxyProcess.start(Map.of("web", List.of("web.test"), "ws", List.of("127.0.0.1")));
        a = TestUpstream.start("a");
        b = TestUpstream.start("b");
        UpstreamTarget toHaproxy = new UpstreamTarget("127.0.0.1", haproxy.httpPort());
        caddyRoute(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")))
                .switchTo(toHaproxy);
        caddyRoute(new CaddyRoute("ws", CaddyProcess.PLAIN, List.of("127.0.0.1")))
                .switchTo(toHaproxy);
        // The TLS route last: Caddy 2.6.2 issues its internal certificate in the background, and a config change
        // while it writes the certificate's metadata fails ("decoding certificate metadata: unexpected end of JSON").
        caddyRoute(new CaddyRoute("web-tls", CaddyProcess.TLS, List.of("web.test")))
                .switchTo(toHaproxy);
    }

    @AfterEach
    void stop() throws Exception {
        try (TestUpstream x = a;
                TestUpstream y = b;
                HaproxyProcess h = haproxy) {
            caddy.close();
        }
    }

    @Test
    void twentyHaproxySwitchesBehindCaddyFailNoRequestEvenOfClientsThatNeverRetry() throws Exception {
        HttpUrl url = HttpUrl.get("http://web.test:" + caddy.httpPort() + "/");

        SwitchUnderLoad.Outcome outcome = SwitchUnderLoad.run("caddy+haproxy", haproxySwitch("web"), a, b, url, 20);

        assertThat(outcome.failed(SwitchUnderLoad.NEW_CONNECTION)).isEmpty();
        assertThat(outcome.failed(SwitchUnderLoad.KEEP_ALIVE_NO_RETRY)).isEmpty();
        assertThat(outcome.failed(SwitchUnderLoad.KEEP_ALIVE_RETRYING_STALE)).isEmpty();
        assertThat(outcome.stale().values()).containsOnly(0L);
    }

    @Test
    void aWebSocketThroughCaddySurvivesAnHaproxySwitchWhileHttpsServesTheNewTarget() throws Exception {
        HaproxySwitch ws = haproxySwitch("ws");
        HaproxySwitch web = haproxySwitch("web");
        ws.switchTo(a.target());
        web.switchTo(a.target());
        WebSocketProbe probe = WebSocketProbe.open(URI.create("ws://127.0.0.1:" + caddy.httpPort() + "/ws"));
        try {
            assertThat(probe.ask("before", Duration.ofSeconds(5))).isEqualTo("a:before");

            ws.switchTo(b.target());
            web.switchTo(b.target());
            String after = probe.ask("after", Duration.ofSeconds(5));

            System.out.printf(
                    "measure=caddy+haproxy.websocket after_switches=\"%s\" answer_after=%s%n",
                    probe.end() == null ? "still open" : probe.end(), after);
            assertThat(probe.end()).isNull();
            assertThat(after).isEqualTo("a:after");
            assertThat(https()).isEqualTo("b");
        } finally {
            probe.close();
        }
    }

    private String https() throws Exception {
        OkHttpClient client = TestClients.trusting(caddy.rootCertificate());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Response response = client.newCall(new Request.Builder()
                            .url("https://web.test:" + caddy.httpsPort() + "/")
                            .build())
                    .execute()) {
                return response.body().string().strip();
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200); // the certificate is being issued
            }
        }
    }

    private CaddySwitch caddyRoute(CaddyRoute route) {
        return new CaddySwitch(
                CaddyAdmin.create(caddy.adminUrl(), Duration.ofSeconds(2), Duration.ofSeconds(30)),
                route,
                Clock.systemUTC(),
                Sleeper.real(),
                CaddySwitch.DEFAULT_DRAIN_POLL);
    }

    private HaproxySwitch haproxySwitch(String service) {
        return new HaproxySwitch(
                new HaproxyRuntime(haproxy.socket(), Duration.ofSeconds(5)),
                service,
                HaproxyProcess.backend(service),
                Clock.systemUTC(),
                Sleeper.real(),
                Duration.ofMillis(50));
    }
}
