package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CaddySwitch} against a real {@code caddy run} (Debian's 2.6.2) and in-process upstreams. */
class CaddySwitchIT {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private CaddyProcess caddy;
    private TestUpstream a;
    private TestUpstream b;
    private final OkHttpClient http = TestClients.newConnectionEach();

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
    void twentySwitchesUnderLoadFailNoRequestOfClientsThatReopenAClosedIdleConnection() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        HttpUrl url = HttpUrl.get("http://web.test:" + caddy.httpPort() + "/");

        SwitchUnderLoad.Outcome outcome = SwitchUnderLoad.run("caddy-" + CaddyProcess.version(), web, a, b, url, 20);

        // Caddy 2.6 replaces its whole server on every config change: a connection the old server accepted in the
        // same instant is reset (seen once in ~300 requests over 20 switches, in 1 of 6 CI runs). Bounded here;
        // docs/configuration.md#traffic recommends HAProxy's runtime API (no reload at all) behind Caddy.
        assertThat(outcome.failed(SwitchUnderLoad.NEW_CONNECTION)).hasSizeLessThanOrEqualTo(1);
        assertThat(outcome.failed(SwitchUnderLoad.KEEP_ALIVE_RETRYING_STALE)).isEmpty();
        // Every config change closes the idle keep-alive connections (Go's http.Server.Shutdown of the old config):
        // a client that sends on one just closed and never retries sees "unexpected end of stream". Measured, not
        // asserted: 17 and 19 of ~300 requests over 20 switches in two runs.
        assertThat(outcome.stale().get(SwitchUnderLoad.NEW_CONNECTION)).isZero();
        assertThat(outcome.results().get(SwitchUnderLoad.NEW_CONNECTION))
                .extracting(LoadClient.Result::answeredBy)
                .contains("a", "b");
    }

    @Test
    void unreachableAdminApiFailsWithATypedErrorAndTrafficStays() throws Exception {
        CaddyRoute route = new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test"));
        switchFor(route).switchTo(a.target());
        URI closed = URI.create("http://127.0.0.1:" + freePort());
        CaddySwitch cut = new CaddySwitch(
                CaddyAdmin.create(closed, Duration.ofSeconds(2), ADMIN_TIMEOUT),
                route,
                Clock.systemUTC(),
                Sleeper.real(),
                CaddySwitch.DEFAULT_DRAIN_POLL);

        assertThatThrownBy(() -> cut.switchTo(b.target()))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("caddy admin " + closed)
                .hasMessageContaining("route redeploy-web")
                .hasMessageContaining("no answer")
                .satisfies(e -> assertThat(((CaddyAdminException) e).status()).isEmpty());
        assertThat(cut.target()).isEmpty();
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void aChangeCaddyRefusesFailsClearlyAndTheOldUpstreamStillServes() throws Exception {
        switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")))
                .switchTo(a.target());
        // The same service configured with a repeated host name: valid JSON, refused by Caddy's host matcher.
        CaddySwitch misconfigured =
                switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test", "web.test")));
        assertThat(misconfigured.adopt()).contains(a.target());

        assertThatThrownBy(() -> misconfigured.switchTo(b.target()))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("caddy admin " + caddy.adminUrl())
                .hasMessageContaining("PATCH /id/redeploy-web")
                .hasMessageContaining("refused with HTTP 500")
                .hasMessageContaining("host at index 0 is repeated at index 1")
                .satisfies(e -> assertThat(((CaddyAdminException) e).status()).hasValue(500));
        assertThat(misconfigured.target()).contains(a.target());
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void aKilledCaddyStartedAgainFromItsConfigFileLosesTheRouteAndEnsureCreatesItAgain() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        web.switchTo(a.target());
        web.switchTo(b.target());

        caddy.kill();
        caddy.startFromConfigFile();

        assertThat(get("web.test")).isEqualTo(CaddyProcess.NO_ROUTE);
        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.CREATED);
        assertThat(get("web.test")).isEqualTo("b");
        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
    }

    @Test
    void caddyReloadOfItsConfigFileDropsTheRouteAndEnsureCreatesItAgain() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        web.switchTo(a.target());

        caddy.reloadConfigFile();

        assertThat(get("web.test")).isEqualTo(CaddyProcess.NO_ROUTE);
        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.CREATED);
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void aCaddyRestartedWithResumeKeepsTheRoute() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        web.switchTo(a.target());
        web.switchTo(b.target());

        caddy.kill();
        caddy.startResumed();

        assertThat(get("web.test")).isEqualTo("b");
        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
    }

    @Test
    void aRestartedAgentAdoptsTheTargetCaddyRuns() throws Exception {
        CaddyRoute route = new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test"));
        switchFor(route).switchTo(a.target());
        switchFor(route).switchTo(b.target());

        CaddySwitch restarted = switchFor(route);
        assertThat(restarted.adopt()).contains(b.target());
        assertThat(restarted.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
        assertThat(restarted.switchTo(a.target())).contains(b.target());
        assertThat(get("web.test")).isEqualTo("a");
    }

    @Test
    void twoServicesAreSwitchedIndependently() throws Exception {
        try (TestUpstream c = TestUpstream.start("c");
                TestUpstream d = TestUpstream.start("d")) {
            CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
            CaddySwitch api = switchFor(new CaddyRoute("api", CaddyProcess.PLAIN, List.of("api.test", "api2.test")));
            web.switchTo(a.target());
            api.switchTo(c.target());
            assertThat(List.of(get("web.test"), get("api.test"), get("api2.test")))
                    .containsExactly("a", "c", "c");

            web.switchTo(b.target());
            assertThat(List.of(get("web.test"), get("api.test"))).containsExactly("b", "c");

            api.switchTo(d.target());
            assertThat(List.of(get("web.test"), get("api.test"), get("api2.test")))
                    .containsExactly("b", "d", "d");
            assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
            assertThat(api.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
        }
    }

    @Test
    void anAdminUrlThatIsNotCaddysFailsClearly() throws Exception {
        CaddyAdmin admin = CaddyAdmin.create(
                URI.create("http://127.0.0.1:" + caddy.httpPort()), Duration.ofSeconds(2), ADMIN_TIMEOUT);
        assertThatThrownBy(admin::ping)
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("GET /reverse_proxy/upstreams")
                .hasMessageContaining("refused with HTTP 404");
    }

    private CaddySwitch switchFor(CaddyRoute route) {
        return new CaddySwitch(
                CaddyAdmin.create(caddy.adminUrl(), Duration.ofSeconds(2), ADMIN_TIMEOUT),
                route,
                Clock.systemUTC(),
                Sleeper.real(),
                Duration.ofMillis(50));
    }

    private String get(String host) throws IOException {
        Request request = new Request.Builder()
                .url("http://" + host + ":" + caddy.httpPort() + "/")
                .build();
        try (Response response = http.newCall(request).execute()) {
            return response.body().string().strip();
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
