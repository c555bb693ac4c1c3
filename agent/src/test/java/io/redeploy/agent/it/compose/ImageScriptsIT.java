package io.redeploy.agent.it.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.it.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The image scripts of the compose stack: they pass shellcheck, refuse what would build the wrong thing before
 * building anything, and the "crash" variant of the app image exits at start (the unhealthy one is exercised by
 * ComposeStackIT).
 */
class ImageScriptsIT {
    private static final Path ROOT = LocalStack.repoRoot();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void theScriptsPassShellcheck() {
        // .ci/run installs Debian's shellcheck; a missing one fails here rather than passing silently.
        CommandResult shellcheck = run(
                "shellcheck",
                script("scripts/build-survey-image.sh"),
                script("scripts/build-caddy-image.sh"),
                script("scripts/build-postgres-image.sh"));

        assertThat(shellcheck.exitCode()).as(shellcheck.toString()).isZero();
    }

    @Test
    void thePostgresScriptRefusesATagThatNamesAnotherMajor() {
        CommandResult refused = run(
                "bash",
                script("scripts/build-postgres-image.sh"),
                "127.0.0.1:5000/never-built/postgres:16",
                "--no-push");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.output()).contains("names PostgreSQL 16, but this builds 15");
    }

    @Test
    void theSurveyScriptRefusesAnUnknownVariantOrOption() {
        CommandResult variant = run("bash", script("scripts/build-survey-image.sh"), "--variant", "flaky", "x");
        CommandResult option = run("bash", script("scripts/build-survey-image.sh"), "--fast", "x");

        assertThat(variant.exitCode()).as(variant.toString()).isEqualTo(2);
        assertThat(variant.output()).contains("unknown variant flaky");
        assertThat(option.exitCode()).as(option.toString()).isEqualTo(2);
        assertThat(option.output()).contains("unknown argument --fast");
    }

    @Test
    void theCaddyScriptRefusesAnUnknownOption() {
        CommandResult option = run("bash", script("scripts/build-caddy-image.sh"), "--push-twice");

        assertThat(option.exitCode()).as(option.toString()).isEqualTo(2);
    }

    @Test
    void theCrashVariantOfTheAppExitsAtStart() {
        LocalStack.requireRunning();
        String repository = "redeploy-it/crash-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            run(
                            Duration.ofMinutes(25),
                            "bash",
                            script("scripts/build-survey-image.sh"),
                            "--from-jar",
                            "--variant",
                            "crash",
                            "--repository",
                            repository,
                            "--no-push",
                            "it")
                    .requireSuccess();

            CommandResult started = run("docker", "run", "--rm", repository + ":it");

            assertThat(started.exitCode()).as(started.toString()).isEqualTo(1);
            assertThat(started.output()).contains("broken build (crash variant)");
        } finally {
            run("docker", "rmi", repository + ":it");
        }
    }

    private static String script(String relative) {
        return ROOT.resolve(relative).toString();
    }

    private static CommandResult run(String... command) {
        return run(TIMEOUT, command);
    }

    private static CommandResult run(Duration timeout, String... command) {
        return Commands.run(ROOT, timeout, command);
    }
}
