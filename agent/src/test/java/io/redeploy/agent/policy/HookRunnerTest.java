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
    void aHostHookGetsAnAllowListOfTheAgentsEnvironmentNotItsSecrets() throws IOException {
        Map<String, String> agent = Map.of(
                "PATH", System.getenv("PATH"),
                "HOME", "/var/lib/redeploy-agent",
                "GHCR_TOKEN", "ghp_agentSecretThatHooksMustNotSee",
                "REDEPLOY_TRIGGER_TOKEN", "trigger-secret-0123456789abcdef",
                "PGPASSFILE", "/etc/redeploy-agent/pgpass");
        HookConfig hook =
                sh("env", Duration.ofSeconds(30)).savingOutput(dir, "env", 7).passingEnv(List.of("PGPASSFILE"));

        HookRunner.Result result = new HookRunner(noDocker, Clock.systemUTC(), agent)
                .run("db", hook, Optional.empty(), Map.of("REDEPLOY_SERVICE", "db"));

        assertThat(result.ok()).as(result.detail()).isTrue();
        assertThat(gunzip(result.output().orElseThrow()))
                .contains("PATH=", "HOME=/var/lib/redeploy-agent", "PGPASSFILE=/etc/redeploy-agent/pgpass")
                .contains("REDEPLOY_SERVICE=db")
                .doesNotContain("ghp_agentSecret", "GHCR_TOKEN", "trigger-secret", "REDEPLOY_TRIGGER_TOKEN");
    }

    @Test
    void aTruncatedPgDumpIsNotKeptAsABackupEvenWhenItExits0() throws IOException {
        Path pgDump = Files.writeString(dir.resolve("pg_dump"), "#!/bin/sh\ncat \"$1\"\n");
        pgDump.toFile().setExecutable(true);
        Path truncated = Files.writeString(
                dir.resolve("cut.sql"), "--\n-- PostgreSQL database dump\n--\nCOPY t (id) FROM stdin;\n1\n");
        Path complete = Files.writeString(
                dir.resolve("whole.sql"),
                "--\n-- PostgreSQL database dump\n--\nSELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n\n");
        Path backups = dir.resolve("backups");

        HookRunner.Result cut = runnerAt(Instant.parse("2026-11-25T10:00:00Z"))
                .run("db", dump(pgDump, truncated, backups), Optional.empty(), Map.of());
        assertThat(cut.ok()).isFalse();
        assertThat(cut.output()).isEmpty();
        assertThat(cut.detail()).contains("does not end with '-- PostgreSQL database dump complete'", "not kept");
        try (Stream<Path> files = Files.list(backups)) {
            assertThat(files).as("neither the dump nor its .partial").isEmpty();
        }

        HookRunner.Result whole = runnerAt(Instant.parse("2026-11-25T10:01:00Z"))
                .run("db", dump(pgDump, complete, backups), Optional.empty(), Map.of());
        assertThat(whole.ok()).as(whole.detail()).isTrue();
        assertThat(gunzip(whole.output().orElseThrow())).endsWith("-- PostgreSQL database dump complete\n--\n\n");
    }

    @Test
    void onlyPlainFormatPgDumpsWithoutAPipeAreExpectedToEndWithTheTrailer() {
        assertThat(DumpTrailer.expected(List.of("pg_dump", "-U", "app", "app"))).contains(DumpTrailer.DUMP);
        assertThat(DumpTrailer.expected(List.of("sh", "-c", "pg_dumpall -U postgres")))
                .contains(DumpTrailer.CLUSTER);
        assertThat(DumpTrailer.expected(List.of("pg_dump", "-Fc", "app"))).isEmpty();
        assertThat(DumpTrailer.expected(List.of("pg_dump", "--format=custom", "app")))
                .isEmpty();
        assertThat(DumpTrailer.expected(List.of("sh", "-c", "pg_dump app | zstd")))
                .isEmpty();
        assertThat(DumpTrailer.expected(List.of("mysqldump", "app"))).isEmpty();
        byte[] pg17 = "SELECT 1;\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc123\n\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(DumpTrailer.endsWith(pg17, DumpTrailer.DUMP)).isTrue();
        assertThat(DumpTrailer.endsWith(
                        "COPY t FROM stdin;\n1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), DumpTrailer.DUMP))
                .isFalse();
    }

    private static HookConfig dump(Path pgDump, Path content, Path backups) {
        return HookConfig.host(List.of(pgDump.toString(), content.toString()), Duration.ofSeconds(30))
                .savingOutput(backups, "sql", 7);
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
