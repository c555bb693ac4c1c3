package io.redeploy.agent.traffic.caddy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CaddyAdminTest {
    @RegisterExtension
    static WireMockExtension caddy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final CaddyRoute WEB = new CaddyRoute("web", "srv0", List.of("example.com"));
    private static final UpstreamTarget NEW = new UpstreamTarget("172.18.0.5", 8000);
    private static final UpstreamTarget OLD = new UpstreamTarget("172.18.0.4", 8000);

    private CaddyAdmin admin() {
        return CaddyAdmin.create(URI.create(caddy.baseUrl()), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Test
    void aMissingRouteReadsAsEmpty() {
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse().withStatus(404).withBody("{\"error\":\"unknown object ID 'redeploy-web'\"}")));

        assertThat(admin().route(WEB)).isEmpty();
        assertThat(admin().upstreamDials(WEB)).isEmpty();
    }

    @Test
    void upstreamDialsAreReadInOrderCurrentFirst() {
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse().withBody(WEB.json(List.of(NEW, OLD)).toString())));

        assertThat(admin().upstreamDials(WEB)).contains(List.of("172.18.0.5:8000", "172.18.0.4:8000"));
    }

    @Test
    void replacingARouteIsOnePatchOfTheWholeRoute() {
        caddy.stubFor(
                patch(urlEqualTo("/id/redeploy-web")).willReturn(aResponse().withStatus(200)));

        assertThat(admin().replaceRoute(WEB, List.of(NEW, OLD))).isTrue();

        caddy.verify(
                1,
                patchRequestedFor(urlEqualTo("/id/redeploy-web"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson(WEB.json(List.of(NEW, OLD)).toString())));
    }

    @Test
    void replacingAMissingRouteReturnsFalse() {
        caddy.stubFor(
                patch(urlEqualTo("/id/redeploy-web")).willReturn(aResponse().withStatus(404)));

        assertThat(admin().replaceRoute(WEB, List.of(NEW))).isFalse();
    }

    @Test
    void aRefusedChangeNamesTheAdminUrlTheCallTheRouteAndCaddysReason() {
        caddy.stubFor(patch(urlEqualTo("/id/redeploy-web"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withBody("{\"error\":\"loading new config: host at index 0 is repeated\"}")));

        assertThatThrownBy(() -> admin().replaceRoute(WEB, List.of(NEW)))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessage("caddy admin " + caddy.baseUrl()
                        + ": PATCH /id/redeploy-web (route redeploy-web, service web): "
                        + "refused with HTTP 500: loading new config: host at index 0 is repeated")
                .satisfies(e -> assertThat(((CaddyAdminException) e).status()).hasValue(500));
    }

    @Test
    void aRedirectIsNotFollowed() {
        caddy.stubFor(get("/id/redeploy-web")
                .willReturn(aResponse().withStatus(302).withHeader("Location", caddy.baseUrl() + "/elsewhere")));
        caddy.stubFor(get("/elsewhere").willReturn(aResponse().withBody("{}")));

        assertThatThrownBy(() -> admin().route(WEB))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining(
                        "refused with HTTP 302: redirected to " + caddy.baseUrl() + "/elsewhere (not followed)");
        assertThat(caddy.findAll(
                        com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/elsewhere"))))
                .isEmpty();
    }

    @Test
    void anUnreachableAdminApiFailsWithoutStatus() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CaddyAdmin admin = CaddyAdmin.create(
                URI.create("http://127.0.0.1:" + closed), Duration.ofSeconds(1), Duration.ofSeconds(2));

        assertThatThrownBy(() -> admin.route(WEB))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageStartingWith("caddy admin http://127.0.0.1:" + closed
                        + ": GET /id/redeploy-web (route redeploy-web, service web): no answer: ")
                .satisfies(e -> assertThat(((CaddyAdminException) e).status()).isEmpty());
    }

    @Test
    void aSlowAnswerTimesOut() {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .willReturn(aResponse().withFixedDelay(3_000).withBody("[]")));
        CaddyAdmin admin =
                CaddyAdmin.create(URI.create(caddy.baseUrl()), Duration.ofSeconds(1), Duration.ofMillis(300));

        assertThatThrownBy(admin::inFlightRequests)
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("GET /reverse_proxy/upstreams: no answer")
                .hasCauseInstanceOf(InterruptedIOException.class);
    }

    @Test
    void anUnreadableAnswerFails() {
        caddy.stubFor(get("/id/redeploy-web").willReturn(aResponse().withBody("<html>not caddy</html>")));

        assertThatThrownBy(() -> admin().route(WEB))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining(
                        "GET /id/redeploy-web (route redeploy-web, service web): unreadable answer (HTTP 200)");
    }

    @Test
    void insertingPutsTheRouteAtTheFrontGuardedByTheServersConfigHash() {
        String etag = "\"/config/apps/http/servers/srv0 5d41402a\"";
        caddy.stubFor(get("/config/apps/http/servers/srv0")
                .willReturn(aResponse()
                        .withHeader("Etag", etag)
                        .withBody(
                                "{\"listen\":[\":443\"],\"routes\":[{\"handle\":[{\"handler\":\"file_server\"}]}]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes/0"))
                .willReturn(aResponse().withStatus(200)));

        admin().insertRoute(WEB, List.of(NEW));

        caddy.verify(
                1,
                putRequestedFor(urlEqualTo("/config/apps/http/servers/srv0/routes/0"))
                        .withHeader("If-Match", equalTo(etag))
                        .withRequestBody(equalToJson(WEB.json(List.of(NEW)).toString())));
    }

    @Test
    void insertingIntoAServerWithoutRoutesPutsTheRoutesArray() {
        caddy.stubFor(
                get("/config/apps/http/servers/srv0").willReturn(aResponse().withBody("{\"listen\":[\":443\"]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes"))
                .willReturn(aResponse().withStatus(200)));

        admin().insertRoute(WEB, List.of(NEW));

        caddy.verify(
                1,
                putRequestedFor(urlEqualTo("/config/apps/http/servers/srv0/routes"))
                        .withRequestBody(equalToJson("[" + WEB.json(List.of(NEW)) + "]")));
    }

    @Test
    void insertingIntoAMissingServerNamesTheServersCaddyHas() {
        caddy.stubFor(
                get("/config/apps/http/servers/srv0").willReturn(aResponse().withBody("null")));
        caddy.stubFor(get("/config/apps/http/servers").willReturn(aResponse().withBody("{\"web\":{},\"admin\":{}}")));

        assertThatThrownBy(() -> admin().insertRoute(WEB, List.of(NEW)))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("GET /config/apps/http/servers/srv0 (route redeploy-web, service web): "
                        + "Caddy has no HTTP server 'srv0' (servers: web, admin)");
    }

    @Test
    void anInsertionRacingAnotherChangeFailsWith412() {
        caddy.stubFor(get("/config/apps/http/servers/srv0")
                .willReturn(aResponse().withHeader("Etag", "\"/x 1\"").withBody("{\"routes\":[]}")));
        caddy.stubFor(put(urlEqualTo("/config/apps/http/servers/srv0/routes/0"))
                .willReturn(aResponse()
                        .withStatus(412)
                        .withBody("{\"error\":\"If-Match header did not match current config hash\"}")));

        assertThatThrownBy(() -> admin().insertRoute(WEB, List.of(NEW)))
                .isInstanceOf(CaddyAdminException.class)
                .hasMessageContaining("refused with HTTP 412: If-Match header did not match current config hash");
    }

    @Test
    void inFlightRequestsAreCountedPerDialAddress() {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .willReturn(aResponse()
                        .withBody("[{\"address\":\"172.18.0.5:8000\",\"num_requests\":0,\"fails\":0},"
                                + "{\"address\":\"172.18.0.4:8000\",\"num_requests\":3,\"fails\":1}]")));

        assertThat(admin().inFlightRequests()).isEqualTo(Map.of("172.18.0.5:8000", 0, "172.18.0.4:8000", 3));
    }

    @Test
    void pingFailsOnAnythingButSuccess() {
        caddy.stubFor(get("/reverse_proxy/upstreams")
                .willReturn(aResponse().withStatus(404).withBody("404 page not found")));

        assertThatThrownBy(admin()::ping)
                .isInstanceOf(CaddyAdminException.class)
                .hasMessage("caddy admin " + caddy.baseUrl()
                        + ": GET /reverse_proxy/upstreams: refused with HTTP 404: 404 page not found");
    }

    @Test
    void pingPassesWhenCaddyAnswers() {
        caddy.stubFor(get("/reverse_proxy/upstreams").willReturn(aResponse().withBody("[]")));

        admin().ping();
    }
}
