package io.redeploy.agent.deploy.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.HealthCheckConfig.Type;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeClock;
import io.redeploy.agent.deploy.FakeDocker;
import io.redeploy.agent.deploy.ForwardingDocker;
import io.redeploy.agent.deploy.Services;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ImageInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthGatesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final FakeClock clock = new FakeClock();
    private final StaticDocker docker = new StaticDocker();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
    }

    /** A running container reachable on loopback, as if 127.0.0.1 were its bridge IP. */
    private static ContainerInfo running(int restartCount, Optional<String> health) {
        return new ContainerInfo(
                "c1",
                "web",
                "img",
                "sha256:i",
                Map.of(),
                "running",
                0,
                restartCount,
                health,
                Map.of("bridge", "127.0.0.1"),
                Map.of(),
                Map.of(),
                Map.of(),
                "");
    }

    private int httpServer(int... statuses) throws IOException {
        AtomicInteger call = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int i = Math.min(call.getAndIncrement(), statuses.length - 1);
            exchange.sendResponseHeaders(statuses[i], -1);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void httpGateWaitsUntilTheServiceAnswers2xx() throws Exception {
        int port = httpServer(503, 503, 200);
        docker.state = running(0, Optional.empty());
        HttpGate gate = new HttpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, port, "/", Optional.empty());

        gate.await("c1");

        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void httpGateFailsAtTheDeadlineWithTheLastAnswer() throws Exception {
        int port = httpServer(500);
        docker.state = running(0, Optional.empty());
        HttpGate gate =
                new HttpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, port, "health", Optional.empty());

        assertThatThrownBy(() -> gate.await("c1"))
                .isInstanceOf(HealthCheckFailedException.class)
                .hasMessageContaining("http:" + port + "/health not healthy within 5.0s")
                .hasMessageContaining("HTTP 500");
        assertThat(clock.slept()).isEqualTo(TIMEOUT);
    }

    @Test
    void httpGateTreatsRefusedConnectionsAsNotReadyYet() throws Exception {
        docker.state = running(0, Optional.empty());
        HttpGate gate =
                new HttpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, closedPort(), "/", Optional.empty());

        assertThatThrownBy(() -> gate.await("c1")).hasMessageContaining("not healthy within");
    }

    @Test
    void tcpGateIsReadyOnceThePortAcceptsConnections() throws Exception {
        docker.state = running(0, Optional.empty());
        try (ServerSocket listening = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            new TcpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, listening.getLocalPort(), Optional.empty())
                    .await("c1");
        }
        assertThat(clock.slept()).isZero();
        TcpGate closed = new TcpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, closedPort(), Optional.empty());
        assertThatThrownBy(() -> closed.await("c1"))
                .hasMessageContaining("tcp:")
                .hasMessageContaining("refuses");
    }

    @Test
    void aContainerThatExitsFailsEveryGateAtOnce() {
        docker.state = new ContainerInfo(
                "c1",
                "web",
                "img",
                "sha256:i",
                Map.of(),
                "exited",
                3,
                0,
                Optional.empty(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                "");
        for (HealthGate gate : List.of(
                new HttpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, 8080, "/", Optional.empty()),
                new TcpGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL, 8080, Optional.empty()),
                new RunningGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL),
                new DockerHealthcheckGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL))) {
            assertThatThrownBy(() -> gate.await("c1")).hasMessageContaining("exit code 3");
        }
        docker.state = null;
        assertThatThrownBy(() -> new RunningGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL).await("c1"))
                .hasMessageContaining("disappeared");
        assertThat(clock.slept()).isZero();
    }

    @Test
    void runningGateNeedsTheContainerUpForTheIntervalWithoutRestarts() throws Exception {
        docker.state = running(0, Optional.empty());
        new RunningGate(docker, clock, clock.sleeper(), TIMEOUT, Duration.ofSeconds(2)).await("c1");
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(2));

        docker.state = running(1, Optional.empty());
        assertThatThrownBy(() -> new RunningGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL).await("c1"))
                .hasMessageContaining("restarted 1 time(s)");
    }

    @Test
    void dockerHealthcheckGateFollowsTheContainersHealthStatus() throws Exception {
        docker.state = running(0, Optional.of("healthy"));
        new DockerHealthcheckGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL).await("c1");

        docker.state = running(0, Optional.empty());
        assertThatThrownBy(
                        () -> new DockerHealthcheckGate(docker, clock, clock.sleeper(), TIMEOUT, INTERVAL).await("c1"))
                .hasMessageContaining("no Docker HEALTHCHECK");
    }

    @Test
    void factoryPicksTheGateFromTheConfigAndTheImage() {
        DefaultHealthGates gates = new DefaultHealthGates(docker, clock, clock.sleeper());
        ImageInfo withHealthcheck = new ImageInfo("sha256:i", List.of(), List.of(), true);
        ImageInfo without = new ImageInfo("sha256:i", List.of(), List.of(), false);

        assertThat(gates.gateFor(service(Type.AUTO, 0), withHealthcheck)).isInstanceOf(DockerHealthcheckGate.class);
        assertThat(gates.gateFor(service(Type.AUTO, 0), without)).isInstanceOf(RunningGate.class);
        assertThat(gates.gateFor(service(Type.DOCKER, 0), without)).isInstanceOf(DockerHealthcheckGate.class);
        assertThat(gates.gateFor(service(Type.NONE, 0), without)).isInstanceOf(NoneGate.class);
        assertThat(gates.gateFor(service(Type.HTTP, 0), without).describe()).isEqualTo("http:8080/");
        assertThat(gates.gateFor(service(Type.TCP, 9000), without).describe()).isEqualTo("tcp:9000");
        ServiceConfig noPorts = withoutPorts(service(Type.HTTP, 0));
        assertThatThrownBy(() -> gates.gateFor(noPorts, without)).hasMessageContaining("set health.port");
    }

    @Test
    void probeAddressPrefersTheConfiguredNetworkThenAnyIpThenThePublishedPort() {
        ContainerInfo twoNetworks = new ContainerInfo(
                "c",
                "n",
                "i",
                "i",
                Map.of(),
                "running",
                0,
                0,
                Optional.empty(),
                Map.of("bridge", "172.17.0.2", "app", "172.20.0.5"),
                Map.of(8080, 18080),
                Map.of(),
                Map.of(),
                "");
        assertThat(ProbeAddress.of(twoNetworks, 8080, Optional.of("app"))
                        .orElseThrow()
                        .getHostString())
                .isEqualTo("172.20.0.5");
        ContainerInfo published = new ContainerInfo(
                "c",
                "n",
                "i",
                "i",
                Map.of(),
                "running",
                0,
                0,
                Optional.empty(),
                Map.of(),
                Map.of(8080, 18080),
                Map.of(),
                Map.of(),
                "");
        assertThat(ProbeAddress.of(published, 8080, Optional.empty()))
                .contains(new InetSocketAddress("127.0.0.1", 18080));
        assertThat(ProbeAddress.of(published, 9090, Optional.empty())).isEmpty();
        assertThat(ProbeAddress.of(published, 9090, Optional.of("host")))
                .contains(new InetSocketAddress("127.0.0.1", 9090));
    }

    private static ServiceConfig service(Type type, int port) {
        return Services.service("web", "acme-web", new HealthCheckConfig(type, "/", port, TIMEOUT, INTERVAL));
    }

    private static ServiceConfig withoutPorts(ServiceConfig s) {
        return ServiceConfig.builder(s.name(), s.image())
                .containerName(s.containerName())
                .mode(s.mode())
                .env(s.env())
                .volumes(s.volumes())
                .network(s.network())
                .networkAliases(s.networkAliases())
                .dependsOn(s.dependsOn())
                .restartOnDependencyUpdate(s.restartOnDependencyUpdate())
                .health(s.health())
                .stopTimeout(s.stopTimeout())
                .restartPolicy(s.restartPolicy())
                .command(s.command())
                .labels(s.labels())
                .pruneOldImages(s.pruneOldImages())
                .build();
    }

    /** Answers every inspect with {@code state}; nothing else is needed by the gates. */
    private static final class StaticDocker extends ForwardingDocker {
        ContainerInfo state;

        StaticDocker() {
            super(new FakeDocker());
        }

        @Override
        public Optional<ContainerInfo> inspectContainer(String nameOrId) {
            return Optional.ofNullable(state);
        }
    }
}
