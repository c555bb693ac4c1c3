package io.redeploy.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.redeploy.agent.config.AgentConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    static final Map<String, String> EXAMPLE_ENV = Map.of(
            "GHCR_TOKEN",
            "ghp_main-test-token",
            "REDEPLOY_TRIGGER_TOKEN",
            "trigger-main-test-token-0123456789abcdef",
            "POSTGRES_PASSWORD",
            "pg-main-test-password",
            "SURVEY_ADMIN_EMAIL",
            "admin@example.com",
            "SURVEY_ADMIN_PASSWORD",
            "admin-example-secret");

    @TempDir
    Path dir;

    private final RecordingLauncher launcher = new RecordingLauncher();

    @Test
    void checkOnTheExampleConfigPrintsAOneLineSummaryAndExits0() {
        Result result = run("--config", exampleFile().toString(), "--check");

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(result.outLines())
                .containsExactly("config: " + exampleFile() + " is valid: 2 services "
                        + "(db=container survey-db, web=container survey-web), poll every 1m, http 127.0.0.1:8686");
        assertThat(result.err).isEmpty();
    }

    @Test
    void checkPrintsALineForEachServiceTheEngineCannotRunAsConfiguredAndStillExits0() {
        launcher.preflightLines = List.of(
                "services.web: the followed container survey-web does not exist; start it (docker compose up -d)"
                        + " or fix services.web.container");

        Result result = run("--config", exampleFile().toString(), "--check");

        assertThat(result.exitCode)
                .as("the stack may start after the agent: not a config error")
                .isEqualTo(0);
        assertThat(result.outLines())
                .hasSize(2)
                .last()
                .isEqualTo("check: services.web: the followed container survey-web does not exist; start it (docker"
                        + " compose up -d) or fix services.web.container");
        assertThat(launcher.started).isEmpty();
    }

    @Test
    void checkNeverStartsTheAgent() {
        Result result = run("--check", "--config", exampleFile().toString());

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(launcher.started).isEmpty();
    }

    @Test
    void summaryNamesACronScheduleAndASingleService() throws IOException {
        Path file = write("""
                schedule: {cron: "0 */5 * * * ?"}
                http: {listen: "[::1]:9000"}
                services:
                  web: {image: 127.0.0.1:5000/acme/web, tag: main}
                """);

        Result result = run("--config", file.toString(), "--check");

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(result.out)
                .contains("is valid: 1 service (web=127.0.0.1:5000/acme/web:main), "
                        + "poll on cron '0 */5 * * * ?', http [::1]:9000");
    }

    @Test
    void badConfigExits2WithEveryProblemOnStderrAndNothingStarted() throws IOException {
        Path file = write("""
                schedule: {interval: 5}
                servcies: {}
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["80:abc"]
                """);

        Result result = run("--config", file.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(launcher.started).isEmpty();
        assertThat(result.out).isEmpty();
        assertThat(result.errLines())
                .containsExactly(
                        "config: " + file + " has 3 problems; nothing was started:",
                        "config: " + file + ":1: schedule.interval: '5' is not a duration (a bare number has no unit); "
                                + "expected a number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m",
                        "config: " + file + ":2: unknown key 'servcies' at top level; did you mean 'services'?",
                        "config: " + file + ":6: services.web.ports[0]: '80:abc' is not a port mapping; "
                                + "expected [host_ip:]host_port:container_port[/tcp|udp]");
        assertNoStackTrace(result.err);
    }

    @Test
    void checkRefusesAVerifyKeyFileThatIsNotAPublicKeyWithExit2() throws IOException {
        Path key = Files.writeString(
                dir.resolve("cosign.key"),
                "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        Path file = write("services:\n  web:\n    image: ghcr.io/acme/app\n    verify:\n      cosign_public_key_file: "
                + key + "\n");

        Result result = run("--check", "--config", file.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.errLines())
                .containsExactly(
                        "config: " + file + " has 1 problem; nothing was started:",
                        "config: " + file + ":5: services.web.verify.cosign_public_key_file: '" + key
                                + "' holds a PRIVATE key; "
                                + "expected the public key (cosign.pub), never the private one on the deploy host");
        assertNoStackTrace(result.err);
    }

    @Test
    void checkAndStartRefuseAListenAddressOffLoopbackWithoutAReadTokenWithExit2() throws IOException {
        Path file = write("http: {listen: \"0.0.0.0:8686\"}\nservices: {web: {image: ghcr.io/acme/app}}\n");

        for (Result result : List.of(run("--check", "--config", file.toString()), run("--config", file.toString()))) {
            assertThat(result.exitCode).isEqualTo(2);
            assertThat(result.err)
                    .contains(":1: http.listen: listening on 0.0.0.0:8686 (off loopback)", "read_token_env");
        }
        assertThat(launcher.started).isEmpty();
    }

    @Test
    void checkOnABadConfigAlsoExits2() throws IOException {
        Path file = write("services: {web: {tag: main}}\n");

        Result result = run("--check", "--config", file.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.errLines())
                .containsExactly(
                        "config: " + file + " has 1 problem; nothing was started:",
                        "config: " + file
                                + ":1: services.web: missing required key 'image'; expected [registry/]repository, "
                                + "e.g. ghcr.io/acme/app or postgres");
    }

    @Test
    void missingConfigFileExits2NamingThePath() {
        Path missing = dir.resolve("nowhere.yml");

        Result result = run("--config", missing.toString());

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err)
                .contains("config: " + missing + ": file does not exist; expected the agent's YAML "
                        + "config file (--config)");
        assertThat(launcher.started).isEmpty();
        assertNoStackTrace(result.err);
    }

    @Test
    void configDefaultsToTheSystemPath() {
        // Only meaningful where the agent is not installed; --help shows the default everywhere.
        assumeFalse(Files.exists(Path.of("/etc/redeploy-agent/agent.yml")));
        Result result = run("--check");

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("config: /etc/redeploy-agent/agent.yml: file does not exist");
    }

    @Test
    void unknownOptionExits2WithUsage() {
        Result result = run("--frobnicate");

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("Unknown option: '--frobnicate'").contains("Usage: redeploy-agent");
        assertThat(launcher.started).isEmpty();
        assertNoStackTrace(result.err);
    }

    @Test
    void configOptionWithoutAValueExits2() {
        Result result = run("--config");

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("--config").contains("Usage: redeploy-agent");
    }

    @Test
    void unexpectedArgumentExits2() {
        Result result = run("agent.yml");

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("'agent.yml'").contains("Usage: redeploy-agent");
    }

    @Test
    void helpExits0WithUsageOnStdout() {
        Result result = run("--help");

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(result.out)
                .contains("Usage: redeploy-agent")
                .contains("--config=PATH")
                .contains("--check")
                .contains("/etc/redeploy-agent/agent.yml");
        assertThat(result.err).isEmpty();
        assertThat(launcher.started).isEmpty();
    }

    @Test
    void versionExits0() {
        Result result = run("--version");

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(result.outLines()).hasSize(1).allMatch(line -> line.startsWith("redeploy-agent "));
        assertThat(launcher.started).isEmpty();
    }

    @Test
    void withoutCheckTheAgentRunsWithTheLoadedConfigAndACleanStopExits0() {
        Result result = run("--config", exampleFile().toString());

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(launcher.started).hasSize(1);
        assertThat(launcher.started.get(0).services()).extracting(s -> s.name()).containsExactly("db", "web");
        assertThat(result.err).isEmpty();
    }

    @Test
    void runtimeFailureExits1WithOneLineNamingTheReasonWithoutSecrets() {
        launcher.failure = new IllegalStateException("registry ghcr.io refused token ghp_main-test-token\n"
                + "and database password pg-main-test-password was rejected");

        Result result = run("--config", exampleFile().toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.errLines())
                .containsExactly("event=agent.failed reason=\"registry ghcr.io refused token **** "
                        + "and database password **** was rejected\"");
        assertNoStackTrace(result.err);
    }

    @Test
    void runtimeFailureWithoutAMessageNamesItsKind() {
        launcher.failure = new java.io.IOException();

        Result result = run("--config", exampleFile().toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("event=agent.failed reason=\"IOException\"");
    }

    @Test
    void interruptedWhileRunningIsACleanStop() {
        launcher.failure = new InterruptedException();

        Result result = run("--config", exampleFile().toString());

        assertThat(result.exitCode).isEqualTo(0);
        assertThat(Thread.interrupted()).isTrue(); // the flag was restored (and is cleared here for other tests)
    }

    static void assertNoStackTrace(String output) {
        assertThat(output)
                .doesNotContain("\tat ")
                .doesNotContain("at io.")
                .doesNotContain("at java.")
                .doesNotContain("Exception");
    }

    private Result run(String... args) {
        return run(EXAMPLE_ENV, launcher, args);
    }

    static Result run(Map<String, String> env, Main.AgentLauncher launcher, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                launcher);
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("agent.yml"), yaml);
    }

    /** systemd/agent.example.yml at the repository root, found from the module directory Maven runs in. */
    static Path exampleFile() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("systemd/agent.example.yml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "systemd/agent.example.yml not found above " + Path.of("").toAbsolutePath());
    }

    /** Records each start instead of running anything; fails with {@code failure} when set. */
    static final class RecordingLauncher implements Main.AgentLauncher {
        final List<AgentConfig> started = new ArrayList<>();
        Exception failure;
        List<String> preflightLines = List.of();

        @Override
        public List<String> preflight(AgentConfig config) {
            return preflightLines;
        }

        @Override
        public void runUntilStopped(AgentConfig config) throws Exception {
            started.add(config);
            if (failure != null) {
                throw failure;
            }
        }
    }
}
