package io.redeploy.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.DockerConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway against the real Engine 20.10 (API 1.41), with the API version negotiated, never pinned. */
class DockerJavaGatewayIT {
    private static final String PREFIX = "it-gw-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static DockerJavaGateway docker;

    @BeforeAll
    static void connect() throws Exception {
        docker = DockerJavaGateway.connect(System.getenv().getOrDefault("DOCKER_HOST", DockerConfig.DEFAULT_HOST));
        docker.ping();
        sh(repoRoot().resolve("scripts/build-test-image.sh").toString(), REPO + ":1", "1");
        sh("docker", "network", "create", PREFIX + "-net");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (ContainerInfo c : docker.listByLabel("it", PREFIX)) {
            docker.remove(c.id());
        }
        shQuiet("docker", "network", "rm", PREFIX + "-net");
        shQuiet("docker", "volume", "rm", PREFIX + "-data");
        shQuiet("docker", "rmi", "-f", REPO + ":1");
        docker.close();
    }

    @Test
    void talksToThisEngineAtItsOwnApiVersion() {
        assertThat(docker.version()).endsWith("(API 1.41)");
    }

    @Test
    void namesTheLinuxBridgeBehindABridgeNetwork() throws Exception {
        assertThat(docker.bridgeDevice("bridge")).contains("docker0");
        String id = sh("docker", "network", "inspect", "-f", "{{.Id}}", PREFIX + "-net");
        assertThat(docker.bridgeDevice(PREFIX + "-net")).contains("br-" + id.substring(0, 12));
        assertThat(docker.bridgeDevice("host")).isEmpty();
        assertThat(docker.bridgeDevice(PREFIX + "-no-such-net")).isEmpty();
    }

    @Test
    void createsInspectsAndRemovesAContainerWithPortsVolumesNetworkAndLabels() throws Exception {
        Optional<ImageInfo> image = docker.inspectImage(REPO + ":1");
        assertThat(image).isPresent();
        String byDigest = image.get().repoDigests().get(0);
        docker.pull(
                REPO,
                byDigest.substring(byDigest.indexOf('@') + 1),
                RegistryAuth.anonymous("127.0.0.1:5000"),
                Duration.ofMinutes(1));
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        String name = PREFIX + "-c";
        try (Closeable subscription = docker.containerEvents("it", PREFIX, events::add)) {
            String id = docker.create(new ContainerSpec(
                    name,
                    byDigest,
                    Map.of("GREETING", "hi"),
                    List.of(new PortBinding("127.0.0.1", 0, 8080, "tcp")),
                    List.of(new Mount(PREFIX + "-data", "/data", false)),
                    Optional.of(PREFIX + "-net"),
                    List.of("web-alias"),
                    Map.of("it", PREFIX, AgentLabels.MANAGED, "true"),
                    "unless-stopped",
                    Optional.empty(),
                    Duration.ofSeconds(3)));
            assertThat(docker.inspectContainer(name).orElseThrow().neverStarted())
                    .isTrue();

            docker.start(id);
            docker.start(id); // idempotent

            ContainerInfo running = docker.inspectContainer(id).orElseThrow();
            assertThat(running.name()).isEqualTo(name);
            assertThat(running.running()).isTrue();
            assertThat(running.image()).isEqualTo(byDigest);
            assertThat(running.managed()).isTrue();
            assertThat(running.ipAddresses()).containsKey(PREFIX + "-net");
            assertThat(running.publishedPorts()).containsKey(8080);
            assertThat(sh("docker", "inspect", "-f", "{{json .NetworkSettings.Networks}}", id))
                    .contains("web-alias");
            assertThat(docker.listByLabel("it", PREFIX))
                    .extracting(ContainerInfo::id)
                    .containsExactly(id);

            String startedAt = sh("docker", "inspect", "-f", "{{.State.StartedAt}}", id);
            docker.restart(id, Duration.ofSeconds(3));
            assertThat(docker.inspectContainer(id).orElseThrow().running()).isTrue();
            assertThat(sh("docker", "inspect", "-f", "{{.State.StartedAt}}", id))
                    .isNotEqualTo(startedAt);

            docker.rename(id, name + "-aside");
            docker.stop(id, Duration.ofSeconds(3));
            docker.stop(id, Duration.ofSeconds(3)); // idempotent
            assertThat(docker.inspectContainer(name + "-aside").orElseThrow().running())
                    .isFalse();
            assertThat(docker.logsTail(id, 5)).isNotNull();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream().anyMatch(e -> e.action().equals("start")));
            assertThat(events).allSatisfy(e -> assertThat(e.labels()).containsEntry("it", PREFIX));

            docker.remove(id);
            assertThat(docker.inspectContainer(id)).isEmpty();
            assertThat(sh("docker", "volume", "ls", "-q", "--filter", "name=" + PREFIX + "-data"))
                    .contains(PREFIX + "-data");
        }
        assertThat(docker.listImages(REPO))
                .extracting(ImageInfo::id)
                .contains(image.get().id());
    }

    static Path repoRoot() {
        String configured = System.getProperty("redeploy.repoRoot");
        if (configured != null && Files.exists(Path.of(configured, "scripts/build-test-image.sh"))) {
            return Path.of(configured);
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("scripts/build-test-image.sh"))) return p;
        }
        throw new IllegalStateException("scripts/build-test-image.sh not found");
    }

    static String sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out.strip();
    }

    static void shQuiet(String... command) {
        try {
            sh(command);
        } catch (Exception ignored) {
            // Best-effort cleanup.
        }
    }
}
