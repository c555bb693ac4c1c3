package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.redeploy.agent.image.ImageRef;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Map<String, String> EXAMPLE_ENV = Map.of(
            "GHCR_TOKEN",
            "ghp_example-token",
            "REDEPLOY_TRIGGER_TOKEN",
            "trigger-example-token-0123456789abcdef",
            "POSTGRES_PASSWORD",
            "pg-example-password",
            "SURVEY_ADMIN_EMAIL",
            "admin@example.com",
            "SURVEY_ADMIN_PASSWORD",
            "admin-example-secret");

    @TempDir
    Path dir;

    @Test
    void exampleFileDescribesTheSurveyStack() throws Exception {
        AgentConfig config = new ConfigLoader(EXAMPLE_ENV).load(exampleFile());

        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/redeploy-agent"));
        assertThat(config.schedule()).isEqualTo(ScheduleConfig.every(Duration.ofSeconds(60)));
        assertThat(config.http().host()).isEqualTo("127.0.0.1");
        assertThat(config.http().port()).isEqualTo(8686);
        assertThat(config.http().triggerToken().orElseThrow().reveal())
                .isEqualTo("trigger-example-token-0123456789abcdef");
        assertThat(config.docker().host()).isEqualTo("unix:///var/run/docker.sock");

        RegistryConfig ghcr = config.registries().get("ghcr.io");
        assertThat(ghcr.username()).contains("deploy-bot");
        assertThat(ghcr.password().orElseThrow().reveal()).isEqualTo("ghp_example-token");
        assertThat(ghcr.baseUrl()).isEqualTo("https://ghcr.io");

        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(db.image()).isEqualTo(new ImageRef("docker.io", "library/postgres", "15"));
        assertThat(db.containerName()).isEqualTo("survey-db");
        assertThat(db.env()).containsEntry("POSTGRES_PASSWORD", "pg-example-password");
        assertThat(db.volumes()).containsExactly(new VolumeMount("postgres_data", "/var/lib/postgresql/data", false));
        assertThat(db.volumes().get(0).isNamedVolume()).isTrue();
        assertThat(db.network()).contains("survey");
        assertThat(db.health().type()).isEqualTo(HealthCheckConfig.Type.TCP);

        ServiceConfig web = config.service("web").orElseThrow();
        assertThat(web.image()).isEqualTo(new ImageRef("ghcr.io", "acme/survey-app", "main"));
        assertThat(web.ports()).containsExactly(new PortMapping("", 8000, 8000, "tcp"));
        assertThat(web.env())
                .containsEntry("DATABASE_URL", "postgres://survey@db:5432/survey")
                .containsEntry("DB_PASSWORD", "pg-example-password");
        assertThat(web.dependsOn()).containsExactly("db");
        assertThat(web.restartOnDependencyUpdate()).isTrue();
        assertThat(web.health())
                .isEqualTo(new HealthCheckConfig(
                        HealthCheckConfig.Type.HTTP, "/health", 8000, Duration.ofSeconds(60), Duration.ofSeconds(1)));
        assertThat(config.registryFor(web.image())).isSameAs(ghcr);
        assertThat(DependencyOrder.order(config.services()))
                .extracting(ServiceConfig::name)
                .containsExactly("db", "web");
    }

    @Test
    void exampleFileNamesEveryMissingSecret() throws IOException {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(Map.of()).load(exampleFile()));
        // Line numbers looked up, so editing the example's comments does not break this test.
        String source = exampleFile().toString();
        assertThat(e.problems())
                .containsExactly(
                        source + ":" + lineOf("trigger_token_env:")
                                + ": http.trigger_token_env: environment variable 'REDEPLOY_TRIGGER_TOKEN' is not set; "
                                + "expected it to hold the trigger token",
                        source + ":" + lineOf("password_env:")
                                + ": registries.ghcr.io.password_env: environment variable 'GHCR_TOKEN' is not set; "
                                + "expected it to hold the registry password",
                        source + ":" + lineOf("POSTGRES_PASSWORD: ")
                                + ": services.db.env.POSTGRES_PASSWORD: environment variable 'POSTGRES_PASSWORD' is not "
                                + "set; expected it in the agent's environment (or ${POSTGRES_PASSWORD:-fallback})",
                        source + ":" + lineOf("DB_PASSWORD: ")
                                + ": services.web.env.DB_PASSWORD: environment variable 'POSTGRES_PASSWORD' is not set; "
                                + "expected it in the agent's environment (or ${POSTGRES_PASSWORD:-fallback})",
                        source + ":" + lineOf("SURVEY_ADMIN_EMAIL: ")
                                + ": services.web.env.SURVEY_ADMIN_EMAIL: environment variable 'SURVEY_ADMIN_EMAIL' is not set; "
                                + "expected it in the agent's environment (or ${SURVEY_ADMIN_EMAIL:-fallback})",
                        source + ":" + lineOf("SURVEY_ADMIN_PASSWORD: ")
                                + ": services.web.env.SURVEY_ADMIN_PASSWORD: environment variable 'SURVEY_ADMIN_PASSWORD' is not set; "
                                + "expected it in the agent's environment (or ${SURVEY_ADMIN_PASSWORD:-fallback})");
    }

    @Test
    void minimalFileGetsTheDocumentedDefaults() throws Exception {
        AgentConfig config = new ConfigLoader(Map.of()).load(resource("valid-minimal.yml"));

        assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/redeploy-agent"));
        assertThat(config.schedule()).isEqualTo(ScheduleConfig.every(Duration.ofMinutes(5)));
        assertThat(config.http()).isEqualTo(new HttpConfig("127.0.0.1", 8686, Optional.empty()));
        assertThat(config.docker().host()).isEqualTo(DockerConfig.DEFAULT_HOST);
        assertThat(config.registries()).isEmpty();
        assertThat(config.services())
                .containsExactly(ServiceConfig.builder("web", new ImageRef("ghcr.io", "acme/survey-app", "latest"))
                        .mode(ServiceConfig.UpdateMode.AUTO)
                        .stopTimeout(Duration.ofSeconds(10))
                        .restartPolicy("unless-stopped")
                        .build());
    }

    @Test
    void dockerHostDefaultsToTheEnvironment() throws Exception {
        AgentConfig config = new ConfigLoader(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376", "DOCKER_TLS_VERIFY", "1"))
                .load(resource("valid-minimal.yml"));
        assertThat(config.docker().host()).isEqualTo("tcp://10.0.0.5:2376");
    }

    @Test
    void everyKeyReachesTheConfig() throws Exception {
        AgentConfig config = new ConfigLoader(Map.of(
                        "TRIGGER",
                        "t0ken-0123456789abcdef0123456789abcdef",
                        "GHCR_TOKEN",
                        "ghp_x",
                        "POSTGRES_PASSWORD",
                        "pw"))
                .load(resource("valid-full.yml"));

        assertThat(config.stateDir()).isEqualTo(Path.of("/srv/agent-state"));
        assertThat(config.schedule()).isEqualTo(ScheduleConfig.cron("0 */5 * * * ?"));
        assertThat(config.http().host()).isEqualTo("::1");
        assertThat(config.http().port()).isEqualTo(9090);
        assertThat(config.docker().host()).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(config.registries().get("127.0.0.1:5000"))
                .isEqualTo(new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty()));

        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(db.mode()).isEqualTo(ServiceConfig.UpdateMode.MONITOR);
        assertThat(db.env())
                .isEqualTo(Map.of(
                        "POSTGRES_PASSWORD", "pw", "PRICE", "$5", "LEVEL", "info", "RETRIES", "3", "VERBOSE", "yes"));
        assertThat(db.ports()).containsExactly(new PortMapping("127.0.0.1", 5432, 5432, "tcp"));
        assertThat(db.volumes())
                .containsExactly(
                        new VolumeMount("postgres_data", "/var/lib/postgresql/data", false),
                        new VolumeMount("/etc/localtime", "/etc/localtime", true));
        assertThat(db.networkAliases()).containsExactly("db", "postgres");
        assertThat(db.health())
                .isEqualTo(new HealthCheckConfig(
                        HealthCheckConfig.Type.TCP, "/", 5432, Duration.ofMinutes(2), Duration.ofMillis(500)));
        assertThat(db.stopTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(db.restartPolicy()).isEqualTo("on-failure:3");
        assertThat(db.command()).contains(List.of("postgres", "-c", "max_connections=50"));
        assertThat(db.labels()).isEqualTo(Map.of("team", "data"));
        assertThat(db.pruneOldImages()).isTrue();

        ServiceConfig web = config.service("web").orElseThrow();
        assertThat(web.image()).isEqualTo(new ImageRef("127.0.0.1:5000", "acme/web", "1.10"));
        assertThat(web.ports())
                .containsExactly(new PortMapping("", 8000, 8000, "tcp"), new PortMapping("::1", 8001, 8001, "udp"));
        assertThat(web.restartPolicy()).isEqualTo("no");
        assertThat(web.network()).isEmpty();
        assertThat(config.registryFor(web.image()).baseUrl()).isEqualTo("http://127.0.0.1:5000");
    }

    @Test
    void severalErrorsAreAllReportedAtOnceInFileOrder() {
        Path file = resource("several-errors.yml");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file));
        String s = file.toString();
        assertThat(e.problems())
                .containsExactly(
                        s
                                + ":1: state_dir: 'relative/dir' is not an absolute path; expected an absolute directory path such "
                                + "as /var/lib/redeploy-agent",
                        s
                                + ":2: schedule.interval: '5' is not a duration (a bare number has no unit); expected a number "
                                + "with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m",
                        s + ":3: unknown key 'servcies' at top level; did you mean 'services'?",
                        s
                                + ":5: http.listen: '127.0.0.1' is not a listen address; expected host:port with a port 1-65535, "
                                + "e.g. 127.0.0.1:8686, [::1]:8686 or 0.0.0.0:8686",
                        s + ":6: http.trigger_token: inline secrets are refused so they never end up in a copied or "
                                + "committed file; expected trigger_token_env: VARIABLE or trigger_token_file: /path",
                        s
                                + ":8: registries.ghcr.io.password_env: environment variable 'MISSING_TOKEN' is not set; expected "
                                + "it to hold the registry password",
                        s + ":12: services.web.ports[0]: '80:abc' is not a port mapping; expected "
                                + "[host_ip:]host_port:container_port[/tcp|udp]",
                        s + ":13: services.web.depends_on: dependency cycle web -> api -> web; expected no service to "
                                + "depend on itself, even indirectly",
                        s
                                + ":17: services.api.health: type http needs the container port to probe; expected port: 1-65535");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems())).doesNotContain("hunter2");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.yml");
        assertThat(problemsLoading(file))
                .containsExactly(file + ": file does not exist; expected the agent's YAML config file (--config)");
    }

    @Test
    void directoryInsteadOfFile() {
        assertThat(problemsLoading(dir))
                .containsExactly(dir + ": is a directory; expected the agent's YAML config file (--config)");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.yml"), "");
        assertThat(problemsLoading(file))
                .containsExactly(file + ": file is empty; expected YAML settings with at least 'services'");
    }

    @Test
    void binaryFile() throws IOException {
        Path file = Files.write(dir.resolve("agent.yml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3});
        assertThat(problemsLoading(file))
                .containsExactly(file
                        + ":1: file is not UTF-8 text: byte 0xff at column 1 is not valid UTF-8; expected the agent's "
                        + "YAML config file saved as UTF-8");
    }

    @Test
    void notUtf8NamesLineAndColumnOfTheFirstBadByte() throws IOException {
        byte[] latin1 = "services:\n  web: {image: caf\u00e9}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("agent.yml"), latin1);
        assertThat(problemsLoading(file))
                .containsExactly(file
                        + ":2: file is not UTF-8 text: byte 0xe9 at column 19 is not valid UTF-8; expected the agent's "
                        + "YAML config file saved as UTF-8");
    }

    @Test
    void fileOverOneMebibyteIsRefusedBeforeParsing() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.yml"), "services: {}\n# " + "x".repeat(1024 * 1024) + "\n");
        assertThat(problemsLoading(file))
                .containsExactly(
                        file + ": file is larger than 1 MiB; expected the agent's YAML config file (--config)");
    }

    @Test
    void unreadableFile() throws IOException {
        // Running as root defeats chmod 000, so "unreadable" is a path through a regular file.
        Path file = Files.writeString(dir.resolve("plain"), "x").resolve("agent.yml");
        assertThat(problemsLoading(file))
                .containsExactly(file
                        + ": file cannot be read (Not a directory); expected the agent's YAML config file (--config)");
    }

    @Test
    void listenOnAllInterfacesGoStyle() throws ConfigException {
        AgentConfig config =
                new ConfigLoader(Map.of("READ", "0123456789abcdef0123456789abcdef")).parse("""
                http: {listen: ":9000", read_token_env: READ}
                services:
                  db: {image: postgres, tag: 16}
                """, "agent.yml");
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.services().get(0).image().tag()).isEqualTo("16");
    }

    @Test
    void toStringShowsNoSecret() throws Exception {
        AgentConfig config = new ConfigLoader(EXAMPLE_ENV).load(exampleFile());
        assertThat(config.toString())
                .contains("survey-db", "ghcr.io/acme/survey-app:main", "POSTGRES_PASSWORD=****", "****")
                .doesNotContain("ghp_example-token", "trigger-example-token-0123456789abcdef", "pg-example-password");
    }

    private List<String> problemsLoading(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file));
        assertThat(e).isNotNull();
        return e.problems();
    }

    private static int lineOf(String text) throws IOException {
        List<String> lines = Files.readAllLines(exampleFile());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && !lines.get(i).strip().startsWith("#")) {
                return i + 1;
            }
        }
        throw new IllegalStateException(text + " not in the example");
    }

    static Path resource(String name) {
        try {
            return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** examples/agent.spec.yml (the stack described in agent.yml, no compose), found from the module directory. */
    static Path exampleFile() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("examples/agent.spec.yml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "examples/agent.spec.yml not found above " + Path.of("").toAbsolutePath());
    }
}
