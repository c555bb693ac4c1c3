package io.redeploy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HookConfig;
import io.redeploy.agent.docker.DockerGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host hooks through /bin/sh; exec hooks are covered against the real engine by PolicyIT. */
class HookRunnerTest {
    @TempDir
    Path dir;

    private final DockerGateway noDocker = (DockerGateway) java.lang.reflect.Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {DockerGateway.class}, (p, m, a) -> {
                throw new AssertionError("host hooks must not call Docker");
            });

    private HookRunner runnerAt(Instant now) {
        return new HookRunner(noDocker, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static HookConfig sh(String script, Duration timeout) {
        return HookConfig.host(List.of("/bin/sh", "-c", script), timeout);
    }

    @Test
    void savedOutputIsGzippedUnderTheServiceAndTimestamp() throws IOException {
        HookConfig hook = sh("echo \"dump of $REDEPLOY_SERVICE\"", Duration.ofSeconds(30))
                .savingOutput(dir.resolve("backups"), "sql", 7);

        HookRunner.Result result = runnerAt(Instant.parse("2026-11-25T19:30:12.345Z"))
                .run("db", hook, Optional.empty(), Map.of("REDEPLOY_SERVICE", "db"));

        assertThat(result.ok()).isTrue();
        Path file = dir.resolve("backups/db-20261125T193012.345Z.sql.gz");
        assertThat(result.output()).contains(file);
        assertThat(gunzip(file)).isEqualTo("dump of db\n");
        try (Stream<Path> files = Files.list(dir.resolve("backups"))) {
            assertThat(files).containsExactly(file); // no partial file left behind
        }
    }

    @Test
    void onlyTheNewestKeepFilesOfTheServiceStay() throws IOException {
        Path backups = dir.resolve("b");
        Files.createDirectories(backups);
        Files.writeString(backups.resolve("other-20200101T000000.000Z.sql.gz"), "x"); // another service: kept
        Files.writeString(backups.resolve("db-notes.txt"), "x"); // not a backup: kept
        HookConfig hook = sh("echo dump", Duration.ofSeconds(30)).savingOutput(backups, "sql", 2);
        for (int minute = 1; minute <= 4; minute++) {
            assertThat(runnerAt(Instant.parse("2026-11-25T10:0" + minute + ":00Z"))
                            .run("db", hook, Optional.empty(), Map.of())
                            .ok())
                    .isTrue();
        }

        try (Stream<Path> files = Files.list(backups)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(
                            "db-20261125T100300.000Z.sql.gz",
                            "db-20261125T100400.000Z.sql.gz",
                            "db-notes.txt",
                            "other-20200101T000000.000Z.sql.gz");
        }
    }

    @Test
    void aFailingCommandKeepsNoOutputFileAndReportsItsStderr() throws IOException {
        HookConfig hook = sh("echo partial; echo 'pg_dump: connection refused' >&2; exit 2", Duration.ofSeconds(30))
                .savingOutput(dir, "sql", 7);

        HookRunner.Result result =
                runnerAt(Instant.parse("2026-11-25T10:00:00Z")).run("db", hook, Optional.empty(), Map.of());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).isEmpty();
        assertThat(result.detail()).isEqualTo("pg_dump: connection refused");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theSkipExitCodeIsPassedOn() {
        HookRunner.Result result =
                runnerAt(Instant.now()).run("db", sh("exit 75", Duration.ofSeconds(30)), Optional.empty(), Map.of());

        assertThat(result.exitCode()).isEqualTo(HookConfig.EXIT_SKIP);
    }

    @Test
    void aHookPastItsTimeoutIsKilled() {
        HookRunner.Result result =
                runnerAt(Instant.now()).run("db", sh("sleep 30", Duration.ofSeconds(1)), Optional.empty(), Map.of());

        assertThat(result.exitCode()).isEqualTo(HookRunner.NOT_RUN);
        assertThat(result.detail()).contains("not finished within 1s");
    }

    @Test
    void aMissingProgramIsReportedNotThrown() {
        HookRunner.Result result = runnerAt(Instant.now())
                .run(
                        "db",
                        HookConfig.host(List.of(dir.resolve("no-such-program").toString()), Duration.ofSeconds(5)),
                        Optional.empty(),
                        Map.of());

        assertThat(result.exitCode()).isEqualTo(HookRunner.NOT_RUN);
        assertThat(result.detail()).startsWith("could not start");
    }

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
