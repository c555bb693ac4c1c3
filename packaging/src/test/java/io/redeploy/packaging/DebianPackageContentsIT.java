package io.redeploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built .deb as dpkg-deb reads it: control fields, conffiles, maintainer scripts, paths, modes and owners. */
class DebianPackageContentsIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @BeforeAll
    static void tools() {
        Command.requireTool("dpkg-deb", "dpkg");
        Command.requireTool("shellcheck", "shellcheck");
    }

    @Test
    void theFileIsNamedAfterTheVersionAndTheControlFieldsNameJavaAndDocker() {
        Path deb = Repo.deb();
        String version = Repo.debVersion();
        assertThat(deb.getFileName()).hasToString("redeploy-agent_" + version + "_all.deb");
        assertThat(version).as("a snapshot sorts before its release").matches("\\d+\\.\\d+\\.\\d+(~\\d{14})?");

        Map<String, String> fields = controlFields(dpkgDeb("-I", deb.toString(), "control"));

        assertThat(fields)
                .contains(
                        entry("Package", "redeploy-agent"),
                        entry("Version", version),
                        entry("Architecture", "all"),
                        entry("Section", "admin"),
                        entry("Depends", "default-jre-headless (>= 2:1.17) | java17-runtime-headless"),
                        entry("Recommends", "docker.io | docker-ce"))
                .containsKeys("Maintainer", "Description", "Installed-Size");
    }

    @Test
    void theConfigAndTheSecretsAreConffiles() {
        String conffiles = dpkgDeb("-I", Repo.deb().toString(), "conffiles");

        assertThat(conffiles.lines())
                .containsExactlyInAnyOrder("/etc/redeploy-agent/agent.yml", "/etc/redeploy-agent/agent.env");
    }

    @Test
    void itShipsTheMaintainerScriptsAndTheTriggerOnJavaRuntimes() {
        String info = dpkgDeb("-I", Repo.deb().toString());

        assertThat(info).containsPattern("\\* +postinst +#!/bin/sh");
        assertThat(info).containsPattern("\\* +prerm +#!/bin/sh");
        assertThat(info).containsPattern("\\* +postrm +#!/bin/sh");
        assertThat(dpkgDeb("-I", Repo.deb().toString(), "triggers").strip()).isEqualTo("interest-noawait /usr/lib/jvm");
    }

    @Test
    void everyFileHasItsPathModeAndOwner() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : dpkgDeb("-c", Repo.deb().toString()).lines().toList()) {
            // drwxr-x--- root/root         0 2026-12-02 07:00 ./etc/redeploy-agent/
            String[] columns = line.trim().split("\\s+");
            entries.put(columns[5], columns[0] + " " + columns[1]);
        }

        assertThat(entries)
                .containsOnly(
                        entry("./usr/", "drwxr-xr-x root/root"),
                        entry("./usr/share/", "drwxr-xr-x root/root"),
                        entry("./usr/share/redeploy-agent/", "drwxr-xr-x root/root"),
                        entry("./usr/share/redeploy-agent/redeploy-agent.jar", "-rw-r--r-- root/root"),
                        entry("./usr/share/redeploy-agent/redeploy-agent.classlist", "-rw-r--r-- root/root"),
                        entry("./usr/share/redeploy-agent/agent.example.yml", "-rw-r--r-- root/root"),
                        entry("./usr/share/redeploy-agent/java-home", "-rwxr-xr-x root/root"),
                        entry("./usr/bin/", "drwxr-xr-x root/root"),
                        entry("./usr/bin/redeploy-agent", "-rwxr-xr-x root/root"),
                        entry("./lib/", "drwxr-xr-x root/root"),
                        entry("./lib/systemd/", "drwxr-xr-x root/root"),
                        entry("./lib/systemd/system/", "drwxr-xr-x root/root"),
                        entry("./lib/systemd/system/redeploy-agent.service", "-rw-r--r-- root/root"),
                        entry("./etc/", "drwxr-xr-x root/root"),
                        // Closed from unpacking on; the postinst gives the directory and agent.yml to the group.
                        entry("./etc/redeploy-agent/", "drwxr-x--- root/root"),
                        entry("./etc/redeploy-agent/agent.yml", "-rw-r----- root/root"),
                        entry("./etc/redeploy-agent/agent.env", "-rw------- root/root"));
    }

    @Test
    void thePayloadIsTheShadedJarAndTheFilesOfSystemd(@TempDir Path unpacked) throws Exception {
        dpkgDeb("-x", Repo.deb().toString(), unpacked.toString());

        assertThat(unpacked.resolve("usr/share/redeploy-agent/redeploy-agent.jar"))
                .hasSameBinaryContentAs(Repo.file("agent/target/redeploy-agent.jar"));
        assertThat(unpacked.resolve("etc/redeploy-agent/agent.yml"))
                .hasSameBinaryContentAs(Repo.file("systemd/agent.example.yml"));
        assertThat(unpacked.resolve("usr/share/redeploy-agent/agent.example.yml"))
                .hasSameBinaryContentAs(Repo.file("systemd/agent.example.yml"));
        assertThat(unpacked.resolve("etc/redeploy-agent/agent.env"))
                .hasSameBinaryContentAs(Repo.file("systemd/redeploy-agent.env.example"));
        assertThat(unpacked.resolve("usr/share/redeploy-agent/redeploy-agent.classlist"))
                .hasSameBinaryContentAs(Repo.file("systemd/redeploy-agent.classlist"));
    }

    @Test
    void thePackagedUnitIsTheRepositorysUnitStartedThroughTheLauncher(@TempDir Path unpacked) throws Exception {
        dpkgDeb("-x", Repo.deb().toString(), unpacked.toString());
        List<String> packaged = Files.readAllLines(unpacked.resolve("lib/systemd/system/redeploy-agent.service"));
        List<String> repository = Files.readAllLines(Repo.file("systemd/redeploy-agent.service"));

        assertThat(packaged)
                .contains("ExecStart=/usr/bin/redeploy-agent --config /etc/redeploy-agent/agent.yml")
                .noneMatch(line -> line.contains("/opt/redeploy-agent"));
        // Every other line is the repository's: same user, directories, limits and hardening.
        assertThat(packaged)
                .containsAll(repository.stream()
                        .filter(line -> !line.startsWith("# Installed by"))
                        .filter(line -> !line.startsWith("ExecStart=") && !line.startsWith("    -"))
                        .toList());
    }

    @Test
    void theScriptsPassShellcheck(@TempDir Path dir) {
        Path control = dir.resolve("control");
        Path data = dir.resolve("data");
        dpkgDeb("-e", Repo.deb().toString(), control.toString());
        dpkgDeb("-x", Repo.deb().toString(), data.toString());

        Command.Result result = Command.run(
                TIMEOUT,
                "shellcheck",
                "--shell=sh",
                control.resolve("postinst").toString(),
                control.resolve("prerm").toString(),
                control.resolve("postrm").toString(),
                data.resolve("usr/bin/redeploy-agent").toString(),
                data.resolve("usr/share/redeploy-agent/java-home").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private static String dpkgDeb(String... arguments) {
        List<String> command = new ArrayList<>(List.of("dpkg-deb"));
        command.addAll(List.of(arguments));
        return Command.run(TIMEOUT, Map.of(), command).assertSuccess(command).output();
    }

    /** "Field: value" lines of a control file; continuation lines (leading space) belong to the field above. */
    private static Map<String, String> controlFields(String control) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : control.lines().toList()) {
            if (line.startsWith(" ") && last != null) {
                fields.merge(last, "\n" + line.substring(1), String::concat);
            } else if (line.contains(":")) {
                last = line.substring(0, line.indexOf(':'));
                fields.put(last, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return fields;
    }
}
