package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.TrafficConfig;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.caddy.UpstreamTrafficSwitch;
import io.redeploy.agent.traffic.haproxy.HaproxyProcess;
import io.redeploy.agent.traffic.haproxy.HaproxyRuntime;
import io.redeploy.agent.traffic.haproxy.HaproxySwitch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code traffic: haproxy} on the real engine and Debian's HAProxy ({@link HaproxyProcess}): start-first deploys
 * switch the backend's two slots through the runtime API, a broken build never gets a request, and a restarted
 * HAProxy gets its target back at the next poll.
 */
class HaproxyTrafficIT {
    private static final String PREFIX =
            "it-haproxy-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private static DockerJavaGateway docker;
    private static Digest build1;
    private static Digest build2;
    private static Digest broken;

    @BeforeAll
    static void buildImages() {
        docker = DockerJavaGateway.connect(DockerConfig.DEFAULT_HOST);
        docker.ping();
        build1 = Cli.pushedDigest(docker, Cli.buildImage(Map.of(), REPO + ":b1", "1"), REPO);
        build2 = Cli.pushedDigest(docker, Cli.buildImage(Map.of(), REPO + ":b2", "2"), REPO);
        broken = Cli.pushedDigest(docker, Cli.buildImage(Map.of(), REPO + ":bad", "99", "unhealthy"), REPO);
    }

    @AfterAll
    static void removeEverything() {
        Cli.removeContainersNamed(PREFIX);
        Cli.removeImagesUnder(PREFIX);
        docker.close();
    }

    private static String get(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: web.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.contains(" 200 ")
                    ? response.substring(response.indexOf("\r\n\r\n") + 4).strip()
                    : "FAIL: " + response.lines().findFirst().orElse("no answer");
        } catch (IOException e) {
            return "FAIL: " + e;
        }
    }

    @Test
    void deploysSwitchTheBackendsSlotsAndARestartedHaproxyGetsItsTargetBack() throws Exception {
        try (HaproxyProcess haproxy = HaproxyProcess.start(Map.of("web", List.of("web.test")))) {
            ServiceConfig web = ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
                    .containerName(PREFIX + "-web")
                    .mode(ServiceConfig.UpdateMode.AUTO)
                    .health(new HealthCheckConfig(
                            HealthCheckConfig.Type.HTTP, "/", 8080, Duration.ofSeconds(4), Duration.ofMillis(200)))
                    .stopTimeout(Duration.ofSeconds(1))
                    .restartPolicy("no")
                    .strategy(ServiceConfig.Strategy.START_FIRST)
                    .traffic(Optional.of(new TrafficConfig.Haproxy(
                            haproxy.socket(), HaproxyProcess.backend("web"), "", 8080, Duration.ofSeconds(2))))
                    .build();
            UpstreamTrafficSwitch sw = new UpstreamTrafficSwitch(new HaproxySwitch(
                    new HaproxyRuntime(haproxy.socket(), Duration.ofSeconds(5)),
                    "web",
                    HaproxyProcess.backend("web"),
                    "",
                    Clock.systemUTC(),
                    Sleeper.real(),
                    Duration.ofMillis(200)));
            ContainerTarget deployer = Targets.of(
                    docker,
                    new DefaultHealthGates(docker, Clock.systemUTC(), Sleeper.real()),
                    Clock.systemUTC(),
                    Duration.ofMinutes(2),
                    DeployHooks.NONE,
                    name -> name.equals("web") ? Optional.of(sw) : Optional.empty());

            assertThat(deployer.deploy(web, build1, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
            assertThat(get(haproxy.httpPort())).isEqualTo("build=1");
            assertThat(deployer.deploy(web, build2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
            assertThat(get(haproxy.httpPort())).isEqualTo("build=2");
            assertThat(deployer.deploy(web, broken, REGISTRY).outcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(get(haproxy.httpPort())).isEqualTo("build=2");

            haproxy.kill();
            haproxy.startAgain();
            assertThat(get(haproxy.httpPort())).as("runtime changes are lost").startsWith("FAIL");
            deployer.observe(web); // a poll
            assertThat(get(haproxy.httpPort())).isEqualTo("build=2");
        }
    }
}
