package io.redeploy.agent.traffic.caddy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.redeploy.agent.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CaddySwitchTest {
    @RegisterExtension
    static WireMockExtension caddy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final CaddyRoute WEB = new CaddyRoute("web", "srv0", List.of("example.com"));
    private static final UpstreamTarget NEW = new UpstreamTarget("172.18.0.5", 8000);
    private static final UpstreamTarget OLD = new UpstreamTarget("172.18.0.4", 8000);
    private static final Duration POLL = Duration.ofMillis(200);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final CaddySwitch web = new CaddySwitch(
            CaddyAdmin.create(URI.create(caddy.baseUrl()), Duration.ofSeconds(2), Duration.ofSeconds(10)),
            WEB,
            clock,
            clock::advance,
            POLL);

    @Test
    void theFirstSwitchInsertsTheMissingRoute() {
        routeMissing();
        caddy.stubFor(
                get("/config/apps/http/servers/srv0").willReturn(aResponse().withBody("{\"routes\":[]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes/0")).willReturn(aResponse()));

        assertThat(web.switchTo(NEW)).isEmpty();

        assertThat(web.target()).contains(NEW);
        caddy.verify(putRequestedFor(urlEqualTo("/config/apps/http/servers/srv0/routes/0"))
                .withRequestBody(equalToJson(WEB.json(List.of(NEW)).toString())));
    }

    @Test
    void aSwitchPatchesTheRouteWithTheNewTargetFirstAndThePreviousSecond() {
        routeRuns(List.of(OLD));
        caddy.stubFor(patch(urlEqualTo("/id/redeploy-web")).willReturn(aResponse()));
        assertThat(web.adopt()).contains(OLD);

        assertThat(web.switchTo(NEW)).contains(OLD);

        assertThat(web.target()).contains(NEW);
        caddy.verify(
                1,
                patchRequestedFor(urlEqualTo("/id/redeploy-web"))
                        .withRequestBody(equalToJson(WEB.json(List.of(NEW, OLD)).toString())));
    }

    @Test
    void switchingToTheCurrentTargetWritesNothing() {
        routeRuns(List.of(NEW, OLD));
        web.adopt();

        assertThat(web.switchTo(NEW)).contains(NEW);

        caddy.verify(0, patchRequestedFor(anyUrl()));
        caddy.verify(0, putRequestedFor(anyUrl()));
    }

    @Test
    void aRefusedSwitchKeepsReportingTheTargetCaddyStillRuns() {
        routeRuns(List.of(OLD));
        caddy.stubFor(patch(urlEqualTo("/id/redeploy-web"))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":\"no\"}")));
        web.adopt();

        assertThatThrownBy(() -> web.switchTo(NEW)).isInstanceOf(CaddyAdminException.class);
        assertThat(web.target()).contains(OLD);
    }

    @Test
    void aRouteRemovedBetweenTheReadAndThePatchIsInsertedAgain() {
        routeRuns(List.of(OLD));
        web.adopt();
        caddy.stubFor(
                patch(urlEqualTo("/id/redeploy-web")).willReturn(aResponse().withStatus(404)));
        caddy.stubFor(
                get("/config/apps/http/servers/srv0").willReturn(aResponse().withBody("{\"routes\":[]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes/0")).willReturn(aResponse()));

        web.switchTo(NEW);

        caddy.verify(putRequestedFor(urlEqualTo("/config/apps/http/servers/srv0/routes/0"))
                .withRequestBody(equalToJson(WEB.json(List.of(NEW, OLD)).toString())));
    }

    @Test
    void ensureWithoutATargetAsksNothing() {
        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.NO_TARGET);
        caddy.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void ensureWritesNothingWhenCaddyRunsTheWantedRoute() {
        routeRuns(List.of(NEW));
        web.adopt();

        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.UNCHANGED);
        caddy.verify(0, patchRequestedFor(anyUrl()));
    }

    @Test
    void ensureReplacesARouteEditedByHand() {
        routeRuns(List.of(NEW));
        web.adopt();
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse()
                        .withBody(new CaddyRoute("web", "srv0", List.of("other.example.com"))
                                .json(List.of(NEW))
                                .toString())));
        caddy.stubFor(patch(urlEqualTo("/id/redeploy-web")).willReturn(aResponse()));

        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.REPLACED);
        caddy.verify(patchRequestedFor(urlEqualTo("/id/redeploy-web"))
                .withRequestBody(equalToJson(WEB.json(List.of(NEW)).toString())));
    }

    @Test
    void ensureCreatesTheRouteCaddyLost() {
        routeRuns(List.of(NEW));
        web.adopt();
        routeMissing();
        caddy.stubFor(
                get("/config/apps/http/servers/srv0").willReturn(aResponse().withBody("{\"listen\":[\":443\"]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes")).willReturn(aResponse()));

        assertThat(web.ensure()).isEqualTo(CaddySwitch.Outcome.CREATED);
    }

    @Test
    void drainingWaitsForTwoPollsInARowWithoutRunningRequests() throws Exception {
        counts("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":2}]", STARTED, "one");
        counts("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":0}]", "one", "two");
        counts("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":1}]", "two", "three");
        counts("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":0}]", "three", "four");
        counts("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":0}]", "four", "four");
        Instant start = clock.instant();

        assertThat(web.awaitDrained(OLD, Duration.ofSeconds(10))).isZero();

        caddy.verify(5, getRequestedFor(urlEqualTo("/reverse_proxy/upstreams")));
        assertThat(Duration.between(start, clock.instant())).isEqualTo(POLL.multipliedBy(4));
    }

    @Test
    void anUpstreamCaddyDoesNotListHasNothingRunning() throws Exception {
        caddy.stubFor(get("/reverse_proxy/upstreams").willReturn(aResponse().withBody("[]")));

        assertThat(web.awaitDrained(OLD, Duration.ofSeconds(10))).isZero();
    }

    @Test
    void drainingGivesUpAtTheTimeoutWithTheCountStillRunning() throws Exception {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .willReturn(aResponse().withBody("[{\"address\":\"172.18.0.4:8000\",\"num_requests\":3}]")));
        Instant start = clock.instant();

        assertThat(web.awaitDrained(OLD, Duration.ofMillis(500))).isEqualTo(3);
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void drainingRetriesAFailingAdminApiAndThrowsItsFailureAtTheTimeout() {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")));

        assertThatThrownBy(() -> web.awaitDrained(OLD, Duration.ofSeconds(1)))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("refused with HTTP 503: busy");
        caddy.verify(6, getRequestedFor(urlEqualTo("/reverse_proxy/upstreams")));
    }

    private void routeMissing() {
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"unknown object ID 'redeploy-web'\"}")));
    }

    private void routeRuns(List<UpstreamTarget> upstreams) {
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse().withBody(WEB.json(upstreams).toString())));
    }

    private void counts(String body, String state, String next) {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .inScenario("drain")
                .whenScenarioStateIs(state)
                .willSetStateTo(next)
                .willReturn(aResponse().withBody(body)));
    }
}
