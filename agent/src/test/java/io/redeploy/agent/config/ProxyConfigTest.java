package io.redeploy.agent.config;

import static io.redeploy.agent.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code proxy:} of a start-first service: the port the agent owns. Each bad input gives one problem line. */
class ProxyConfigTest {
    /** The problems of a start-first service {@code web} whose {@code proxy:} value is {@code proxy}. */
    private static List<String> proxyProblems(String proxy) {
        return problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    proxy: %s
                """.formatted(proxy));
    }

    private static AgentConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(yaml, "agent.yml");
    }

    @Test
    void aProxiedServiceIsReadWithItsDefaults() throws ConfigException {
        ServiceConfig web = parse("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    proxy: {listen: "0.0.0.0:8080", container_port: 8000}
                """).service("web").orElseThrow();

        assertThat(web.strategy()).isEqualTo(ServiceConfig.Strategy.START_FIRST);
        assertThat(web.proxy()).contains(new ProxyConfig("0.0.0.0", 8080, 8000, Duration.ofSeconds(30)));
        assertThat(web.ports())
                .as("the ephemeral publish is the deploy's business, not the config's")
                .isEmpty();
    }

    @Test
    void drainShortListenAndNetworkWithAliasesAreAccepted() throws ConfigException {
        ServiceConfig web = parse("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    network: survey
                    network_aliases: [web]
                    proxy:
                      listen: ":8080"
                      container_port: 8080
                      drain: 5s
                """).service("web").orElseThrow();

        assertThat(web.proxy()).contains(new ProxyConfig("0.0.0.0", 8080, 8080, Duration.ofSeconds(5)));
        assertThat(web.networkAliases()).containsExactly("web");
    }

    @Test
    void aProxyNeedsStartFirst() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080}
                """))
                .containsExactly("agent.yml:4: services.web.proxy: a port owned by the agent only serves to switch "
                        + "clients to a new container started next to the old one; expected strategy: start-first");
    }

    @Test
    void thePortsEntryOfTheProxiedContainerPortIsRefused() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    ports: ["127.0.0.1:9000:8080"]
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080}
                """))
                .containsExactly("agent.yml:5: services.web.ports[0]: container port 8080 is published by the agent "
                        + "on 0.0.0.0:8080 (proxy); expected no 'ports' entry for it");
    }

    @Test
    void anyOtherPublishedPortIsRefusedToo() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    ports: ["9000:9000"]
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080}
                """))
                .containsExactly("agent.yml:5: services.web.ports[0]: '9000/tcp' cannot be published by the old and "
                        + "the new container at once during a start-first switch; expected no 'ports' (the agent's proxy "
                        + "publishes container port 8080)");
    }

    @Test
    void listenAndContainerPortAreRequired() {
        assertThat(proxyProblems("{drain: 5s}"))
                .containsExactly(
                        "agent.yml:5: services.web.proxy: missing required key 'listen'; expected e.g. {listen: \"0.0.0.0:8080\", "
                                + "container_port: 8080}",
                        "agent.yml:5: services.web.proxy: missing required key 'container_port'; expected e.g. {listen: "
                                + "\"0.0.0.0:8080\", container_port: 8080}");
    }

    @Test
    void aBadListenAddress() {
        assertThat(proxyProblems("{listen: \"0.0.0.0\", container_port: 8080}"))
                .containsExactly("agent.yml:5: services.web.proxy.listen: '0.0.0.0' is not a listen address; expected "
                        + "host:port with a port 1-65535, e.g. 127.0.0.1:8686, [::1]:8686 or 0.0.0.0:8686");
    }

    @Test
    void aBadContainerPort() {
        assertThat(proxyProblems("{listen: \"0.0.0.0:8080\", container_port: 70000}"))
                .containsExactly("agent.yml:5: services.web.proxy.container_port: port 70000 is out of range; "
                        + "expected 1-65535");
    }

    @Test
    void aBadDrain() {
        assertThat(proxyProblems("{listen: \"0.0.0.0:8080\", container_port: 8080, drain: 30}"))
                .singleElement()
                .asString()
                .startsWith("agent.yml:5: services.web.proxy.drain: ");
    }

    @Test
    void anUnknownProxyKeyIsNamed() {
        assertThat(proxyProblems("{listen: \"0.0.0.0:8080\", container_port: 8080, drian: 5s}"))
                .singleElement()
                .asString()
                .startsWith("agent.yml:5: services.web.proxy: unknown key 'drian'; did you mean 'drain'?");
    }

    @Test
    void aProxyCannotPublishOnTheHostNetwork() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    network: host
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080}
                """))
                .containsExactly("agent.yml:6: services.web.proxy: the container's port cannot be published on "
                        + "network 'host'; expected no network, or a user-defined one");
    }

    @Test
    void theListenPortClashesWithTheAgentAndOtherServices() {
        assertThat(problems("""
                http: {listen: "127.0.0.1:8686"}
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    proxy: {listen: "0.0.0.0:8686", container_port: 8080}
                  api:
                    image: ghcr.io/acme/api
                    ports: ["8080:8080"]
                  admin:
                    image: ghcr.io/acme/admin
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:8080", container_port: 8080}
                """))
                .containsExactly(
                        "agent.yml:6: services.web.proxy.listen: host port 0.0.0.0:8686/tcp is already published by the agent "
                                + "itself (http.listen); expected each host port published once",
                        "agent.yml:13: services.admin.proxy.listen: host port 127.0.0.1:8080/tcp is already published by "
                                + "services.api.ports[0]; expected each host port published once");
    }

    @Test
    void theForwardersLimitsAreReadAndCheckedWithTheirLine() throws ConfigException {
        ServiceConfig web = parse("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: start-first
                    proxy: {listen: "0.0.0.0:8080", container_port: 8080, idle_timeout: 2m, max_connections_per_client: 16}
                """).service("web").orElseThrow();
        assertThat(web.proxy())
                .contains(new ProxyConfig("0.0.0.0", 8080, 8080, Duration.ofSeconds(30), Duration.ofMinutes(2), 16));

        assertThat(
                        proxyProblems(
                                "{listen: \"0.0.0.0:8080\", container_port: 8080, idle_timeout: 10ms, max_connections_per_client: 600}"))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("agent.yml:5: services.web.proxy.idle_timeout: "))
                .contains("agent.yml:5: services.web.proxy.max_connections_per_client: '600' is not a connection "
                        + "count; expected a number 1-512");
    }
}
