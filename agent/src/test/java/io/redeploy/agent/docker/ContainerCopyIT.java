package io.redeploy.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.config.DockerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A container with every setting compose or {@code docker run} can give, copied on another image: {@code docker
 * inspect} of the copy equals the original's field by field, except the image, the agent's labels and what the engine
 * assigns to each container (ids, times, addresses, state).
 */
class ContainerCopyIT {
    private static final String PREFIX =
            "it-copy-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String REPO = "127.0.0.1:5000/" + PREFIX + "/web";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the engine gives each container, whatever its configuration. */
    private static final Set<String> PER_CONTAINER = Set.of(
            "Id",
            "Created",
            "State",
            "Image",
            "ResolvConfPath",
            "HostnamePath",
            "HostsPath",
            "LogPath",
            "RestartCount",
            "NetworkSettings",
            "Mounts",
            "GraphDriver",
            "SizeRw",
            "SizeRootFs",
            "Platform",
            "ExecIDs",
            "AppArmorProfile",
            "MountLabel",
            "ProcessLabel");

    private static DockerJavaGateway docker;

    @BeforeAll
    static void images() throws Exception {
        docker = DockerJavaGateway.connect(System.getenv().getOrDefault("DOCKER_HOST", DockerConfig.DEFAULT_HOST));
        docker.ping();
        sh(script("build-test-image.sh"), REPO + ":1", "1");
        sh(script("build-test-image.sh"), REPO + ":2", "2");
        sh("docker", "network", "create", PREFIX + "-front");
        sh("docker", "network", "create", PREFIX + "-back");
        sh("docker", "volume", "create", PREFIX + "-data");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (ContainerInfo c : docker.listByLabel("it", PREFIX)) {
            docker.remove(c.id());
        }
        DockerJavaGatewayIT.shQuiet("docker", "network", "rm", PREFIX + "-front", PREFIX + "-back");
        DockerJavaGatewayIT.shQuiet("docker", "volume", "rm", PREFIX + "-data");
        DockerJavaGatewayIT.shQuiet("docker", "rmi", "-f", REPO + ":1", REPO + ":2");
        docker.close();
    }

    @Test
    void aCopyKeepsEverySettingAndChangesOnlyTheImageAndTheAgentsLabels() throws Exception {
        String original = sh(
                "docker",
                "create",
                "--name",
                PREFIX + "-orig",
                "--label",
                "it=" + PREFIX,
                "--label",
                "com.docker.compose.project=survey",
                "--label",
                "com.docker.compose.service=web",
                "--label",
                "com.docker.compose.config-hash=abc123",
                "--env",
                "DB_USER=survey",
                "--env",
                "SURVEY_SIGNUP_OPEN=false",
                "--user",
                "1000:1000",
                "--workdir",
                "/tmp",
                "--entrypoint",
                "/bin/busybox",
                "--network",
                PREFIX + "-front",
                "--network-alias",
                "web",
                "--publish",
                "127.0.0.1::8080",
                "--volume",
                PREFIX + "-data:/data",
                "--volume",
                "/tmp:/host-tmp:ro",
                "--volume",
                "/anonymous",
                "--tmpfs",
                "/run:size=1m",
                "--restart",
                "on-failure:3",
                "--log-driver",
                "json-file",
                "--log-opt",
                "max-size=1m",
                "--memory",
                "64m",
                "--cpu-shares",
                "512",
                "--pids-limit",
                "64",
                "--cap-drop",
                "NET_RAW",
                "--cap-add",
                "SYS_PTRACE",
                "--add-host",
                "registry.internal:10.0.0.5",
                "--dns",
                "10.0.0.53",
                "--ulimit",
                "nofile=1024:2048",
                "--sysctl",
                "net.ipv4.ip_unprivileged_port_start=1024",
                "--init",
                "--stop-signal",
                "SIGINT",
                "--stop-timeout",
                "7",
                "--health-cmd",
                "true",
                "--health-interval",
                "5s",
                "--health-retries",
                "2",
                REPO + ":1",
                "httpd",
                "-f",
                "-p",
                "8080",
                "-h",
                "/www");
        sh("docker", "network", "connect", "--alias", "web-internal", PREFIX + "-back", original);
        JsonNode before = inspect(original);

        String copy = docker.copy(
                original,
                PREFIX + "-copy",
                REPO + ":2",
                Map.of("redeploy-agent.managed", "true", "redeploy-agent.service", "web"),
                true);
        JsonNode after = inspect(copy);

        // The anonymous volume is mounted again by name, as docker compose does when it recreates a container: the
        // one setting the copy adds, so that the data in it is not left behind. The version label is the new
        // build's own (image labels are defaults the new image supplies).
        assertThat(differences(before, after))
                .containsExactlyInAnyOrder(
                        "/Config/Image",
                        "/Config/Labels/org.opencontainers.image.version",
                        "/Config/Labels/redeploy-agent.managed",
                        "/Config/Labels/redeploy-agent.service",
                        "/Name",
                        "/HostConfig/Binds");
        assertThat(aliases(after, PREFIX + "-front")).contains("web");
        assertThat(aliases(after, PREFIX + "-back")).contains("web-internal");
        assertThat(anonymousVolumeOf(after))
                .as("the data of the old anonymous volume carries over")
                .isEqualTo(anonymousVolumeOf(before));
    }

    @Test
    void theNewBuildsOwnEntrypointEnvAndLabelsApplyWhileTheUsersSettingsStay() throws Exception {
        Path context = Files.createTempDirectory("copy-it-build");
        Files.writeString(
                context.resolve("Dockerfile"),
                "FROM " + REPO + ":2\nENV NEW_IN_BUILD=3\nLABEL build=3\nENTRYPOINT [\"/bin/busybox\", \"sleep\"]\n"
                        + "CMD [\"3600\"]\n");
        sh("docker", "build", "-q", "-t", REPO + ":3", context.toString());
        String original = sh(
                "docker",
                "create",
                "--name",
                PREFIX + "-defaults",
                "--label",
                "it=" + PREFIX,
                "--env",
                "DB_USER=survey",
                REPO + ":1");

        String copy = docker.copy(original, PREFIX + "-defaults-copy", REPO + ":3", Map.of(), true);
        JsonNode config = inspect(copy).path("Config");

        assertThat(config.path("Env").toString()).contains("DB_USER=survey").contains("NEW_IN_BUILD=3");
        assertThat(config.path("Entrypoint").toString()).isEqualTo("[\"/bin/busybox\",\"sleep\"]");
        assertThat(config.path("Cmd").toString()).isEqualTo("[\"3600\"]");
        assertThat(config.path("Labels").path("build").asText()).isEqualTo("3");
        assertThat(config.path("Labels").path("it").asText()).isEqualTo(PREFIX);
        DockerJavaGatewayIT.shQuiet("docker", "rmi", "-f", REPO + ":3");
    }

    @Test
    void withoutAliasesTheCopyHasItsNetworksButNoneOfTheirAliases() throws Exception {
        String original = sh(
                "docker",
                "create",
                "--name",
                PREFIX + "-orig2",
                "--label",
                "it=" + PREFIX,
                "--network",
                PREFIX + "-front",
                "--network-alias",
                "api",
                REPO + ":1");

        String copy = docker.copy(original, PREFIX + "-copy2", REPO + ":2", Map.of(), false);

        assertThat(inspect(copy).path("NetworkSettings").path("Networks").has(PREFIX + "-front"))
                .isTrue();
        assertThat(aliases(inspect(copy), PREFIX + "-front")).doesNotContain("api");
    }

    /** JSON pointers of the values that differ, outside what the engine gives each container. */
    private static List<String> differences(JsonNode a, JsonNode b) {
        List<String> paths = new ArrayList<>();
        compare("", a, b, paths);
        return paths;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
        if (path.chars().filter(c -> c == '/').count() == 1 && PER_CONTAINER.contains(path.substring(1))) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                compare(path + "/" + key, a.path(key), b.path(key), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    private static List<String> aliases(JsonNode container, String network) {
        List<String> names = new ArrayList<>();
        container
                .path("NetworkSettings")
                .path("Networks")
                .path(network)
                .path("Aliases")
                .forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String anonymousVolumeOf(JsonNode container) {
        for (JsonNode mount : container.path("Mounts")) {
            if ("/anonymous".equals(mount.path("Destination").asText())) {
                return mount.path("Name").asText();
            }
        }
        return "";
    }

    private static JsonNode inspect(String id) throws Exception {
        JsonNode all = JSON.readTree(sh("docker", "inspect", id));
        ObjectNode one = (ObjectNode) all.get(0);
        // The copy's hostname is its own id (Docker's default): the same setting as the original's.
        one.with("Config").remove("Hostname");
        return one;
    }

    private static String script(String name) {
        return DockerJavaGatewayIT.repoRoot().resolve("scripts").resolve(name).toString();
    }

    private static String sh(String... command) throws Exception {
        return DockerJavaGatewayIT.sh(command);
    }
}
