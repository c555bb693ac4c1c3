package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.deploy.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
    void twentySwitchesUnderLoadFailNoRequest() throws Exception {
        CaddySwitch web = switchFor(new CaddyRoute("web", CaddyProcess.PLAIN, List.of("web.test")));
        web.switchTo(a.target());
        HttpUrl url = HttpUrl.get("http://web.test:" + caddy.httpPort() + "/");
        List<long[]> windows = new ArrayList<>(); // {switch returned, next switch started}
        List<String> windowTargets = new ArrayList<>();
        List<Long> switchMillis = new ArrayList<>();
        Map<String, List<LoadClient.Result>> results = new LinkedHashMap<>();
        Map<String, OkHttpClient> clients = new LinkedHashMap<>();
        clients.put("new-connection", TestClients.newConnectionEach());
        clients.put("keep-alive-no-retry", TestClients.keepAliveNoRetry());
        clients.put("keep-alive-retrying-stale-connections", TestClients.keepAliveRetryingStaleConnections());
        List<LoadClient> load = new ArrayList<>();
        clients.forEach((name, client) -> load.add(new LoadClient(name, client, url, Duration.ofSeconds(90))));
        try {
            Thread.sleep(300);
            TestUpstream current = a;
            TestUpstream next = b;
            long returned = System.nanoTime();
            String serving = a.name();
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                windows.add(new long[] {returned, started});
                windowTargets.add(serving);
                Optional<UpstreamTarget> previous = web.switchTo(next.target());
                returned = System.nanoTime();
                switchMillis.add((returned - started) / 1_000_000);
                serving = next.name();
                assertThat(previous).contains(current.target());
                assertThat(web.awaitDrained(current.target(), Duration.ofSeconds(5)))
                        .isZero();
                TestUpstream t = current;
                current = next;
                next = t;
                Thread.sleep(ThreadLocalRandom.current().nextLong(150, 250));
            }
            Thread.sleep(300);
        } finally {
            List<String> names = new ArrayList<>(clients.keySet());
            for (int i = 0; i < load.size(); i++) {
                results.put(names.get(i), load.get(i).stop());
            }
        }
        results.forEach((client, r) -> report(client, r, windows, windowTargets));
        System.out.printf(
                "measure=caddy.switch caddy=%s switches=20 admin_ms_min=%d admin_ms_max=%d admin_ms_sum=%d%n",
                CaddyProcess.version(),
                switchMillis.stream().mapToLong(Long::longValue).min().orElse(-1),
                switchMillis.stream().mapToLong(Long::longValue).max().orElse(-1),
                switchMillis.stream().mapToLong(Long::longValue).sum());
        assertThat(results.get("new-connection"))
                .filteredOn(LoadClient.Result::failed)
                .isEmpty();
        assertThat(results.get("keep-alive-retrying-stale-connections"))
                .filteredOn(LoadClient.Result::failed)
                .isEmpty();
        assertThat(results.get("new-connection"))
                .extracting(LoadClient.Result::answeredBy)
                .contains("a", "b");
        assertThat(stale(results.get("new-connection"), windows, windowTargets)).isZero();
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

    /** Requests that started after a switch returned and ended before the next began, answered by another target. */
    private static long stale(List<LoadClient.Result> results, List<long[]> windows, List<String> targets) {
        long stale = 0;
        for (LoadClient.Result r : results) {
            for (int i = 0; i < windows.size(); i++) {
                if (r.startNanos() >= windows.get(i)[0]
                        && r.endNanos() <= windows.get(i)[1]
                        && !r.failed()
                        && !r.answeredBy().equals(targets.get(i))) {
                    stale++;
                }
            }
        }
        return stale;
    }

    private static void report(
            String client, List<LoadClient.Result> results, List<long[]> windows, List<String> targets) {
        long failed = results.stream().filter(LoadClient.Result::failed).count();
        System.out.printf(
                "measure=caddy.load client=%s requests=%d failed=%d stale_after_switch=%d answered_a=%d answered_b=%d%n",
                client,
                results.size(),
                failed,
                stale(results, windows, targets),
                results.stream().filter(r -> "a".equals(r.answeredBy())).count(),
                results.stream().filter(r -> "b".equals(r.answeredBy())).count());
        results.stream()
                .filter(LoadClient.Result::failed)
                .limit(10)
                .forEach(r -> System.out.println("failure=" + r.failure()));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
