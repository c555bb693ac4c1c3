package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaddyRouteTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theRouteMatchesTheHostsAndProxiesToTheFirstUpstreamTerminally() throws Exception {
        CaddyRoute route = new CaddyRoute("web", "srv0", List.of("example.com", "www.example.com"));

        assertThat(route.json(List.of(new UpstreamTarget("172.18.0.5", 8000), new UpstreamTarget("172.18.0.4", 8000))))
                .isEqualTo(json.readTree("""
                        {"@id": "redeploy-web",
                         "match": [{"host": ["example.com", "www.example.com"]}],
                         "handle": [{"handler": "reverse_proxy",
                                     "upstreams": [{"dial": "172.18.0.5:8000"}, {"dial": "172.18.0.4:8000"}],
                                     "load_balancing": {"selection_policy": {"policy": "first"}}}],
                         "terminal": true}
                        """));
    }

    @Test
    void dialsAreReadFromTheReverseProxyHandlerInOrder() throws Exception {
        assertThat(CaddyRoute.dials(json.readTree("""
                        {"handle": [{"handler": "headers"},
                                    {"handler": "reverse_proxy", "upstreams": [{"dial": "b:1"}, {"dial": "a:2"}]}]}
                        """))).containsExactly("b:1", "a:2");
        assertThat(CaddyRoute.dials(json.readTree("{\"handle\": [{\"handler\": \"file_server\"}]}")))
                .isEmpty();
    }

    @Test
    void aRouteNeedsAnUpstream() {
        CaddyRoute route = new CaddyRoute("web", "srv0", List.of("example.com"));
        assertThatThrownBy(() -> route.json(List.of())).hasMessage("route redeploy-web needs an upstream");
    }

    @Test
    void namesThatCannotBeAnIdOrAServerKeyAreRefused() {
        assertThatThrownBy(() -> new CaddyRoute("we/b", "srv0", List.of("a")))
                .hasMessage("invalid service name for a Caddy route: 'we/b'");
        assertThatThrownBy(() -> new CaddyRoute("web", "", List.of("a")))
                .hasMessage("invalid Caddy server name for service web: ''");
        assertThatThrownBy(() -> new CaddyRoute("web", "srv0", List.of()))
                .hasMessage("service web needs at least one host name for its Caddy route");
        assertThatThrownBy(() -> new CaddyRoute("web", "srv0", List.of("a b")))
                .hasMessage("invalid host name for service web: 'a b'");
    }
}
