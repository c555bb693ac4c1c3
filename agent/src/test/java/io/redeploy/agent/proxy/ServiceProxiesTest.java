package io.redeploy.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigException;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.config.ServiceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forwarders of all proxied services: opened together, a taken port stops the agent's start, shut down together. */
class ServiceProxiesTest {
    @TempDir
    Path stateDir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private AgentConfig config(int webPort, int apiPort) throws ConfigException {
        return new ConfigLoader(Map.of())
                .parse("""
                state_dir: %s
                http: {listen: "127.0.0.1:%d"}
                services:
                  web:
                    image: 127.0.0.1:5000/acme/web
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:%d", container_port: 8080, drain: 1s}
                  api:
                    image: 127.0.0.1:5000/acme/api
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:%d", container_port: 8080, drain: 1s}
                  db:
                    image: 127.0.0.1:5000/acme/db
                """.formatted(stateDir, freePortUnchecked(), webPort, apiPort), "agent.yml");
    }

    private static int freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyProxiedServiceGetsItsPortAndOthersNone() throws Exception {
        List<ServiceConfig> services = config(freePort(), freePort()).services();
        try (ServiceProxies proxies = ServiceProxies.open(services, Duration.ofSeconds(1), ProxyListener.NONE)) {
            assertThat(proxies.forService("web")).isPresent();
            assertThat(proxies.forService("api")).isPresent();
            assertThat(proxies.forService("db")).isEmpty();
            assertThat(proxies.isEmpty()).isFalse();
        }
    }

    @Test
    void aTakenPortFailsTheWholeOpenAndReleasesThePortsAlreadyBound() throws Exception {
        int webPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<ServiceConfig> services = config(webPort, taken.getLocalPort()).services();

            ProxyBindException e = catchThrowableOfType(
                    () -> ServiceProxies.open(services, Duration.ofSeconds(1), ProxyListener.NONE),
                    ProxyBindException.class);

            assertThat(e)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for service api");
        }
        try (ServerSocket again = new ServerSocket(webPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.isBound()).as("web's port was released").isTrue();
        }
    }

    @Test
    void theAgentDoesNotStartWhenAPublicPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AgentConfig config = config(freePort(), taken.getLocalPort());

            // Thrown before the Docker engine or the registry is contacted: Main turns it into exit 1.
            ProxyBindException e =
                    catchThrowableOfType(() -> Agent.start(config, Clock.systemUTC()), ProxyBindException.class);

            assertThat(e).hasMessageContaining("for service api");
        }
    }

    @Test
    void shutdownClosesEveryPort() throws Exception {
        List<ServiceConfig> services = config(freePort(), freePort()).services();
        ServiceProxies proxies = ServiceProxies.open(services, Duration.ofSeconds(1), ProxyListener.NONE);
        var address = proxies.forwarder("web").orElseThrow().localAddress().orElseThrow();

        proxies.shutdown(Duration.ofSeconds(5));

        assertThat(catchThrowableOfType(
                        () -> new Socket(address.getAddress(), address.getPort()).close(), IOException.class))
                .as("connection refused once stopped")
                .isNotNull();
    }
}
