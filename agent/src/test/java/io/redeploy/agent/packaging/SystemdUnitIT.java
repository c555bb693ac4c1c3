package io.redeploy.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs systemd/verify.sh: `systemd-analyze verify` on the unit (must print nothing) and the offline security
 * rating. The script installs Debian's systemd package when systemd-analyze is missing, hence an IT.
 */
class SystemdUnitIT {
    @Test
    void theUnitVerifiesCleanlyAndIsWellHardened() throws Exception {
        RepoFiles.Result result = RepoFiles.bash(RepoFiles.file("systemd/verify.sh"), 600);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("verify: ok");
        assertThat(result.output()).containsPattern("security: (Overall exposure level .* OK|skipped)");
    }

    @Test
    void aMissingUnitFileIsAnError() throws Exception {
        RepoFiles.Result result =
                RepoFiles.bash(RepoFiles.file("systemd/verify.sh"), 10, "/nonexistent/redeploy-agent.service");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("no unit file at /nonexistent/redeploy-agent.service");
    }

    @Test
    void theScriptsPassShellcheck() throws Exception {
        // .ci/run installs Debian's shellcheck; a missing one fails here rather than passing silently.
        Process shellcheck = new ProcessBuilder(
                        "shellcheck",
                        RepoFiles.file("systemd/install.sh").toString(),
                        RepoFiles.file("systemd/verify.sh").toString(),
                        RepoFiles.file("scripts/dev-stack.sh").toString(),
                        RepoFiles.file("scripts/build-test-image.sh").toString(),
                        RepoFiles.file("scripts/build-postgres-image.sh").toString(),
                        RepoFiles.file("scripts/run-local.sh").toString(),
                        RepoFiles.file("scripts/run-survey-app.sh").toString(),
                        RepoFiles.file("bench/run.sh").toString(),
                        RepoFiles.file("bench/cds-classlist.sh").toString(),
                        RepoFiles.file(".ci/run").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(shellcheck.getInputStream().readAllBytes());
        assertThat(shellcheck.waitFor()).as(output).isZero();
    }

    /**
     * The class-data archive as install.sh dumps it, from the shipped class list and the built jar, maps under the
     * unit's own JVM flags: -Xshare:on makes the JVM exit instead of silently running without the archive.
     */
    @Test
    void theClassDataArchiveBuildsAndMapsWithTheUnitsFlags(@TempDir Path dir) throws Exception {
        Path jar = RepoFiles.file("agent/target/redeploy-agent.jar");
        Path archive = dir.resolve("redeploy-agent.jsa");
        RepoFiles.Result dump = run(List.of(
                "java",
                "-Xshare:dump",
                "-XX:SharedClassListFile=" + RepoFiles.file("systemd/redeploy-agent.classlist"),
                "-XX:SharedArchiveFile=" + archive,
                "-cp",
                jar.toString(),
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off"));
        assertThat(dump.exitCode()).as(dump.output()).isZero();
        assertThat(archive).isNotEmptyFile();

        List<String> command = new ArrayList<>();
        command.add("java");
        for (String flag : unitJvmFlags()) {
            command.add(
                    flag.startsWith("-XX:SharedArchiveFile=")
                            ? "-XX:SharedArchiveFile=" + archive
                            : flag.equals("-Xshare:auto") ? "-Xshare:on" : flag);
        }
        command.addAll(List.of("-jar", jar.toString(), "--version"));
        RepoFiles.Result version = run(command);

        assertThat(command).contains("-Xshare:on");
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("redeploy-agent ");
    }

    private static List<String> unitJvmFlags() throws Exception {
        String unit = Files.readString(RepoFiles.file("systemd/redeploy-agent.service"))
                .replace("\\\n", " ");
        Matcher m = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unit);
        assertThat(m.find()).isTrue();
        List<String> words = Arrays.asList(m.group(1).trim().split("\\s+"));
        return words.subList(1, words.indexOf("-jar"));
    }

    private static RepoFiles.Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new RepoFiles.Result(p.waitFor(), output);
    }
}
