package io.redeploy.agent.config;

import static io.redeploy.agent.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code traffic:} of a start-first service: the reverse proxy (Caddy or HAProxy) a deploy switches. */
class TrafficConfigTest {
    private static List<String> trafficProblems(String traffic) {
        return problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    traffic: %s
                """.formatted(traffic));
    }

    private static ServiceConfig web(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of())
                .parse(yaml, "agent.yml")
                .service("web")
                .orElseThrow();
    }

    @Test
    void aCaddyRouteIsReadWithItsDefaults() throws ConfigException {
        ServiceConfig web = web("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    traffic:
                      caddy:
                        admin: "http://127.0.0.1:2019"
                        hosts: [survey.example.com, www.survey.example.com]
                        container_port: 8080
                """);

        TrafficConfig.Caddy caddy = new TrafficConfig.Caddy(
                URI.create("http://127.0.0.1:2019"),
                "srv0",
                List.of("survey.example.com", "www.survey.example.com"),
                8080,
                Duration.ofSeconds(30));
        assertThat(web.traffic()).contains(caddy);
        assertThat(web.trafficSwitch()).contains(caddy);
        assertThat(web.proxy()).isEmpty();
        assertThat(web.ports()).isEmpty();
    }

    @Test
    void aCaddyServerAndDrainAreRead() throws ConfigException {
        ServiceConfig web = web("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    network: survey
                    traffic: {caddy: {admin: "http://127.0.0.1:2019/", server: srv1, hosts: [a.test], container_port: 80, drain: 10s}}
                """);

        assertThat(web.traffic())
                .contains(new TrafficConfig.Caddy(
                        URI.create("http://127.0.0.1:2019/"), "srv1", List.of("a.test"), 80, Duration.ofSeconds(10)));
    }

    @Test
    void anHaproxyBackendIsRead() throws ConfigException {
        ServiceConfig web = web("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    traffic:
                      haproxy: {socket: /run/haproxy/admin.sock, backend: be_web, server: web, container_port: 8080, drain: 10s}
                """);

        assertThat(web.traffic())
                .contains(new TrafficConfig.Haproxy(
                        Path.of("/run/haproxy/admin.sock"), "be_web", "web", 8080, Duration.ofSeconds(10)));
        assertThat(web.trafficSwitch().orElseThrow().describe())
                .isEqualTo("haproxy /run/haproxy/admin.sock backend be_web");
    }

    @Test
    void exactlyOneReverseProxy() {
        assertThat(trafficProblems("{}"))
                .containsExactly(
                        "agent.yml:5: services.web.traffic: no reverse proxy given; expected exactly one, e.g. "
                                + "{caddy: {admin: \"http://127.0.0.1:2019\", hosts: [app.example.com], container_port: 8080}} or "
                                + "{haproxy: {socket: /run/haproxy/admin.sock, backend: be_web, container_port: 8080}}");
        assertThat(trafficProblems("{caddy: {admin: \"http://c:2019\", hosts: [a], container_port: 1}, "
                        + "haproxy: {socket: /s, backend: b, container_port: 1}}"))
                .singleElement()
                .asString()
                .startsWith("agent.yml:5: services.web.traffic: both caddy and haproxy given; expected exactly one");
        assertThat(trafficProblems("{nginx: {}}"))
                .first()
                .asString()
                .startsWith("agent.yml:5: services.web.traffic: unknown key 'nginx'; expected one of: caddy, haproxy");
    }

    @Test
    void requiredCaddyKeysAreNamed() {
        assertThat(trafficProblems("{caddy: {drain: 5s}}"))
                .containsExactly(
                        "agent.yml:5: services.web.traffic.caddy: missing required key 'admin'; expected e.g. {caddy: "
                                + "{admin: \"http://127.0.0.1:2019\", hosts: [app.example.com], container_port: 8080}}",
                        "agent.yml:5: services.web.traffic.caddy: missing required key 'hosts'; expected e.g. {caddy: "
                                + "{admin: \"http://127.0.0.1:2019\", hosts: [app.example.com], container_port: 8080}}",
                        "agent.yml:5: services.web.traffic.caddy: missing required key 'container_port'; expected e.g. "
                                + "{caddy: {admin: \"http://127.0.0.1:2019\", hosts: [app.example.com], container_port: "
                                + "8080}}");
    }

    @Test
    void badCaddyValuesAreRefusedWithTheirLine() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    traffic:
                      caddy:
                        admin: "127.0.0.1:2019"
                        server: "srv 0"
                        hosts: ["a b", ok.test]
                        container_port: 70000
                        drain: soon
                """))
                .containsExactly(
                        "agent.yml:7: services.web.traffic.caddy.admin: '127.0.0.1:2019' is not the URL of Caddy's admin "
                                + "API; expected e.g. http://127.0.0.1:2019",
                        "agent.yml:8: services.web.traffic.caddy.server: 'srv 0' is not a server name; expected "
                                + "letters, digits, '.', '_' or '-'",
                        "agent.yml:9: services.web.traffic.caddy.hosts[0]: 'a b' is not a host name; expected e.g. "
                                + "app.example.com",
                        "agent.yml:10: services.web.traffic.caddy.container_port: port 70000 is out of range; expected "
                                + "1-65535",
                        "agent.yml:11: services.web.traffic.caddy.drain: 'soon' is not a duration; expected a number "
                                + "with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m");
        assertThat(trafficProblems("{caddy: {admin: \"http://c:2019\", hosts: [], container_port: 1}}"))
                .containsExactly("agent.yml:5: services.web.traffic.caddy.hosts: no host name; expected at least one");
    }

    @Test
    void badHaproxyValuesAreRefused() {
        assertThat(trafficProblems("{haproxy: {socket: admin.sock, backend: \"be web\", container_port: 8080}}"))
                .containsExactly(
                        "agent.yml:5: services.web.traffic.haproxy.socket: 'admin.sock' is not an absolute path; "
                                + "expected e.g. /run/haproxy/admin.sock",
                        "agent.yml:5: services.web.traffic.haproxy.backend: 'be web' is not a backend name; expected "
                                + "letters, digits, '.', '_' or '-'");
        assertThat(trafficProblems("{haproxy: {socket: /s}}"))
                .hasSize(2)
                .allMatch(p -> p.startsWith("agent.yml:5: services.web.traffic.haproxy: missing required key '"));
    }

    @Test
    void aReverseProxyNeedsStartFirst() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    traffic: {caddy: {admin: "http://127.0.0.1:2019", hosts: [a.test], container_port: 8080}}
                """))
                .containsExactly("agent.yml:4: services.web.traffic: a reverse proxy is switched to a new container "
                        + "started next to the old one; expected strategy: start-first");
    }

    @Test
    void theAgentsOwnPortIsRefusedNextToAReverseProxy() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080}
                    traffic: {caddy: {admin: "http://127.0.0.1:2019", hosts: [a.test], container_port: 8080}}
                """))
                .containsExactly(
                        "agent.yml:5: services.web.proxy: the agent's own port and a reverse proxy ('traffic') "
                                + "cannot both switch this service; expected one of them (the reverse proxy keeps serving while "
                                + "the agent is down)");
    }

    @Test
    void publishedPortsAndHostNetworkAreRefused() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    network: host
                    ports: ["8080:8080"]
                    traffic: {caddy: {admin: "http://127.0.0.1:2019", hosts: [a.test], container_port: 8080}}
                """))
                .contains(
                        "agent.yml:6: services.web.ports[0]: container port 8080 is published by the agent for caddy "
                                + "http://127.0.0.1:2019; expected no 'ports' entry for it",
                        "agent.yml:7: services.web.traffic: the container's port cannot be published on network "
                                + "'host'; expected no network, or a user-defined one");
    }
}
