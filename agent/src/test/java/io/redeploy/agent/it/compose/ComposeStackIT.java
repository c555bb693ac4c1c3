package io.redeploy.agent.it.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.it.LocalStack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's docker-compose.yml, run by the real compose CLI (Debian's docker-compose 1.29 in CI) with the real
 * survey-app and PostgreSQL 15 images and Caddy from the local registry, as the team runs the stack before the agent
 * takes over: it comes up, answers /health over HTTPS through Caddy (the app itself publishes no port), and every
 * compose command the team uses works on it. One stack for the class
 * (starting one takes most of a minute; one test instance holds it), so the steps run in order; its names are its own (ComposeEnv) and it is
 * removed at the end, also when a step failed.
 */
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ComposeStackIT {
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);
    private static final String MARKER = "written-before-stop-" + UUID.randomUUID();

    /** The stack's project directory: a temporary directory for the class (a @BeforeAll parameter). */
    private Path directory;

    private ComposeStack stack;
    private ComposeEnv env;
    /** The site through Caddy: created once Caddy has made its local CA (step 3). */
    private CaddySite site;

    @BeforeAll
    void createStack(@TempDir Path projectDirectory) throws IOException {
        directory = projectDirectory;
        LocalStack.requireRunning();
        String app = LocalImages.surveyApp();
        String db = LocalImages.postgres();
        stack = ComposeStack.create(
                directory,
                LocalStack.repoRoot().resolve("docker-compose.yml"),
                ComposeEnv.isolated(app, db, LocalImages.caddy()));
        env = stack.env();
        System.out.println(
                "event=compose_it.stack cli=" + String.join(" ", stack.composeCli()) + " project=" + env.project());
    }

    @AfterAll
    void removeStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void configResolvesTheStacksOwnNamesAndMasksThePassword() {
        CommandResult config = stack.config().requireSuccess();

        assertThat(config.output())
                .contains(env.dbContainer(), env.webContainer(), env.network(), env.volume(), env.webImage())
                .contains(env.caddyContainer(), env.caddyVolume(), env.caddy().image())
                .contains("127.0.0.1")
                .doesNotContain(env.password())
                .contains("****");
        assertThat(config.output().lines().map(String::strip))
                .as("none of the real stack's names")
                .doesNotContain(
                        "container_name: survey-db",
                        "container_name: survey-web",
                        "container_name: survey-caddy",
                        "name: survey",
                        "name: postgres_data",
                        "name: caddy_data");
    }

    @Test
    @Order(2)
    void pullFetchesTheImagesFromTheLocalRegistry() {
        stack.pull().requireSuccess();
    }

    @Test
    @Order(3)
    void upStartsTheDatabaseTheAppAndCaddyWhichAloneIsPublished() {
        stack.up().requireSuccess();

        assertThat(inspect(env.webContainer(), "{{.Config.Image}}")).isEqualTo(env.webImage());
        assertThat(inspect(env.dbContainer(), "{{.Config.Image}}")).isEqualTo(env.postgresImage());
        assertThat(inspect(env.caddyContainer(), "{{.Config.Image}}"))
                .isEqualTo(env.caddy().image());
        assertThat(docker("port", env.webContainer()))
                .as("the app publishes no port")
                .isEmpty();
        assertThat(docker("port", env.caddyContainer(), "2019/tcp"))
                .as("Caddy's admin API on the host's loopback only")
                .isEqualTo("127.0.0.1:" + env.caddy().adminPort());
        assertThat(docker("port", env.caddyContainer(), "443/tcp"))
                .contains(":" + env.caddy().httpsPort());
        assertThat(docker("port", env.caddyContainer(), "80/tcp"))
                .contains(":" + env.caddy().httpPort());
        assertThat(inspect(env.caddyContainer(), "{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}};{{end}}"))
                .contains("volume /data true", "bind /etc/caddy/Caddyfile false");
        assertThat(inspect(env.caddyContainer(), "{{range $n, $e := .NetworkSettings.Networks}}{{$n}} {{end}}"))
                .isEqualTo(env.network());
        assertThat(inspect(env.dbContainer(), "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}"))
                .isEqualTo("volume " + env.volume() + " /var/lib/postgresql/data");
        assertThat(inspect(env.webContainer(), "{{range $n, $e := .NetworkSettings.Networks}}{{$n}} {{end}}"))
                .isEqualTo(env.network());
        site = CaddySite.of(env, directory);
        awaitHealthy();
    }

    @Test
    @Order(4)
    void psListsBothContainersUp() {
        CommandResult ps = stack.ps().requireSuccess();

        assertThat(ps.output()).contains(env.dbContainer(), env.webContainer(), env.caddyContainer(), "Up");
    }

    @Test
    @Order(5)
    void logsShowTheDatabaseReadyAndTheAppStarted() {
        assertThat(stack.logs("db").requireSuccess().output())
                .contains("database system is ready to accept connections");
        assertThat(stack.logs("web").requireSuccess().output()).contains("event=app.started port=8000");
        assertThat(stack.logs("caddy").requireSuccess().output()).contains("serving initial configuration");
    }

    @Test
    @Order(6)
    void execRunsInTheDatabaseContainerAndPassesItsExitCodeOn() {
        CommandResult migrations = psql("SELECT count(*) FROM flyway_schema_history WHERE success");
        assertThat(Integer.parseInt(migrations.output().strip())).isGreaterThanOrEqualTo(2);
        psql("CREATE TABLE compose_it_marker (v text); INSERT INTO compose_it_marker VALUES ('" + MARKER + "')");

        CommandResult failing = stack.exec("db", "sh", "-c", "echo failing on purpose; exit 3");
        assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(3);
        assertThat(failing.output()).contains("failing on purpose");
    }

    @Test
    @Order(7)
    void restartRestartsTheAppWhichAnswersAgain() {
        String startedBefore = inspect(env.webContainer(), "{{.State.StartedAt}}");

        stack.restart("web").requireSuccess();

        assertThat(inspect(env.webContainer(), "{{.State.StartedAt}}")).isNotEqualTo(startedBefore);
        awaitHealthy();
    }

    @Test
    @Order(8)
    void stopThenStartKeepsTheDataOnTheNamedVolume() {
        stack.stop().requireSuccess();
        assertThat(inspect(env.webContainer(), "{{.State.Status}}")).isEqualTo("exited");
        assertThat(inspect(env.dbContainer(), "{{.State.Status}}")).isEqualTo("exited");
        assertThat(inspect(env.caddyContainer(), "{{.State.Status}}")).isEqualTo("exited");
        assertThat(site.status("/health")).isEmpty();

        stack.start().requireSuccess();

        awaitHealthy();
        assertThat(psql("SELECT v FROM compose_it_marker").output().strip()).isEqualTo(MARKER);
    }

    /**
     * A broken build through compose: {@code up -d} after the image changed recreates only the app, which runs but
     * never answers /health on its port; the next good build brings it back. This is the variant other tests use as
     * a build that fails its health gate.
     */
    @Test
    @Order(9)
    void upRecreatesTheAppWithABrokenBuildThatNeverAnswersAndBackWithAGoodOne() throws Exception {
        String healthy = env.webImage();
        String dbStarted = inspect(env.dbContainer(), "{{.State.StartedAt}}");
        String caddyStarted = inspect(env.caddyContainer(), "{{.State.StartedAt}}");

        stack.useWebImage(LocalImages.surveyAppUnhealthy());
        stack.pull().requireSuccess(); // up --no-build would otherwise want to build the missing image
        stack.up().requireSuccess();

        assertThat(inspect(env.webContainer(), "{{.Config.Image}}")).isEqualTo(LocalImages.SURVEY_APP_UNHEALTHY);
        await().atMost(HEALTHY_WITHIN)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> stack.logs("web").output().contains("event=app.started port=8001"));
        // Caddy holds a request up to lb_try_duration (10 s) for the app, then answers 502 Bad Gateway.
        assertThat(site.get("/health", Duration.ofSeconds(30)).statusCode())
                .as("the app listens on 8001, nothing on 8000")
                .isEqualTo(502);
        assertThat(inspect(env.webContainer(), "{{.State.Health.Status}}")).isNotEqualTo("healthy");
        assertThat(inspect(env.dbContainer(), "{{.State.StartedAt}}"))
                .as("the database is left alone")
                .isEqualTo(dbStarted);
        assertThat(inspect(env.caddyContainer(), "{{.State.StartedAt}}"))
                .as("Caddy is left alone")
                .isEqualTo(caddyStarted);

        stack.useWebImage(healthy);
        stack.pull().requireSuccess();
        stack.up().requireSuccess();
        awaitHealthy();
    }

    @Test
    @Order(10)
    void downRemovesTheContainersTheNetworkAndTheVolume() {
        stack.down().requireSuccess();

        assertThat(LocalStack.containersNamed(env.project())).isEmpty();
        assertThat(dockerResult("volume", "inspect", env.volume()).exitCode()).isNotZero();
        assertThat(dockerResult("volume", "inspect", env.caddyVolume()).exitCode())
                .isNotZero();
        assertThat(dockerResult("network", "inspect", env.network()).exitCode()).isNotZero();
    }

    // ---- helpers ----

    private CommandResult psql(String sql) {
        return stack.exec("db", "psql", "-U", "survey", "-d", "survey", "-v", "ON_ERROR_STOP=1", "-tAc", sql)
                .requireSuccess();
    }

    /** /health answers 200 through Caddy and Docker's HEALTHCHECK says healthy for both containers. */
    private void awaitHealthy() {
        try {
            await().atMost(HEALTHY_WITHIN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(site.status("/health")).contains(200);
                assertThat(inspect(env.webContainer(), "{{.State.Health.Status}}"))
                        .isEqualTo("healthy");
                assertThat(inspect(env.dbContainer(), "{{.State.Health.Status}}"))
                        .isEqualTo("healthy");
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    /** What the stack looks like now: for a failure message (the engine is shared; other tests change it too). */
    private String diagnostics() {
        StringBuilder out = new StringBuilder();
        out.append(stack.ps().output());
        for (String container : new String[] {env.dbContainer(), env.webContainer(), env.caddyContainer()}) {
            out.append(container)
                    .append(": ")
                    .append(dockerResult(
                                    "inspect",
                                    "--format",
                                    "{{.State.Status}} health={{.State.Health.Status}} restarts={{.RestartCount}}"
                                            + " networks={{range $n, $e := .NetworkSettings.Networks}}{{$n}}"
                                            + " {{$e.IPAddress}} {{end}}",
                                    container)
                            .output())
                    .append('\n');
        }
        String logs = stack.run(ComposeStack.COMMAND_TIMEOUT, "logs", "--no-color", "--tail", "40")
                .output();
        return out.append(logs).toString();
    }

    private String inspect(String container, String format) {
        return docker("inspect", "--format", format, container);
    }

    private String docker(String... args) {
        return dockerResult(args).requireSuccess().output().strip();
    }

    private CommandResult dockerResult(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        return Commands.run(directory, Duration.ofSeconds(60), command);
    }
}
