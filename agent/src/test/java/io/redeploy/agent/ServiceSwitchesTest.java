package io.redeploy.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ConfigException;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.proxy.ProxyListener;
import io.redeploy.agent.proxy.ServiceProxies;
import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.caddy.UpstreamTrafficSwitch;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each service gets the switch its config names: a reverse proxy's, the agent's own port, or none. */
class ServiceSwitchesTest {
    @Test
    void eachServiceGetsTheSwitchItsConfigNamesWithoutAskingTheProxies() throws ConfigException, IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        List<ServiceConfig> services = new ConfigLoader(Map.of())
                .parse("""
                        services:
                          web:
                            image: ghcr.io/acme/web
                            strategy: start-first
                            traffic: {caddy: {admin: "http://127.0.0.1:1", hosts: [web.test], container_port: 8080}}
                          api:
                            image: ghcr.io/acme/api
                            strategy: start-first
                            traffic: {haproxy: {socket: /nonexistent/admin.sock, backend: be_api, container_port: 80}}
                          own:
                            image: ghcr.io/acme/own
                            strategy: start-first
                            proxy: {listen: "127.0.0.1:%d", container_port: 80}
                          db:
                            image: postgres
                        """.formatted(free), "agent.yml")
                .services();
        try (ServiceProxies proxies = ServiceProxies.open(services, Duration.ofSeconds(1), ProxyListener.NONE)) {
            ServiceSwitches switches = ServiceSwitches.of(services, proxies, Clock.systemUTC(), Sleeper.real());

            assertThat(switches.forService("web")).get().isInstanceOf(UpstreamTrafficSwitch.class);
            assertThat(switches.forService("api")).get().isInstanceOf(UpstreamTrafficSwitch.class);
            assertThat(switches.forService("own")).isEqualTo(proxies.forService("own"));
            assertThat(switches.forService("db")).isEmpty();
            assertThat(switches.isEmpty()).isFalse();
        }
    }
}
