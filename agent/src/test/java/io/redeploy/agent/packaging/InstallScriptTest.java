package io.redeploy.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/install.sh in --dry-run mode: prints the plan, changes nothing, needs neither root nor systemd. */
class InstallScriptTest {
    private static final Path SCRIPT = RepoFiles.file("systemd/install.sh");

    @TempDir
    Path dir;

    @Test
    void dryRunInstallPrintsEveryStepInOrder() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "not really a jar");
        Path example = Files.writeString(dir.resolve("agent.yml"), "services: {}\n");

        RepoFiles.Result result = RepoFiles.bash(
                SCRIPT, 60, "--dry-run", "--jar", jar.toString(), "--config-example", example.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("dry run: nothing is changed")
                .doesNotContain("+ mvn")
                .containsSubsequence(
                        "useradd --system --user-group --groups docker",
                        "install -d -m 0755 -o root -g root /opt/redeploy-agent",
                        "install -D -m 0644 -o root -g root " + jar + " /opt/redeploy-agent/redeploy-agent.jar.new",
                        "mv -f /opt/redeploy-agent/redeploy-agent.jar.new /opt/redeploy-agent/redeploy-agent.jar",
                        "/usr/bin/java -Xshare:dump -XX:SharedClassListFile=",
                        "mv -f /opt/redeploy-agent/redeploy-agent.jsa.new /opt/redeploy-agent/redeploy-agent.jsa",
                        "/etc/systemd/system/redeploy-agent.service",
                        "install -d -m 0750 -o root -g redeploy-agent /etc/redeploy-agent",
                        "install -m 0640 -o root -g redeploy-agent " + example + " /etc/redeploy-agent/agent.yml",
                        "install -m 0600 -o root -g root",
                        "/etc/redeploy-agent/agent.env",
                        "/usr/bin/java -jar /opt/redeploy-agent/redeploy-agent.jar --config /etc/redeploy-agent/agent.yml --check",
                        "+ systemctl daemon-reload",
                        "+ systemctl enable redeploy-agent",
                        "+ systemctl start redeploy-agent");
        assertThat(Path.of("/opt/redeploy-agent/redeploy-agent.jar")).doesNotExist();
    }

    @Test
    void withoutAJarTheDryRunWouldBuildOne() throws Exception {
        Path example = Files.writeString(dir.resolve("agent.yml"), "services: {}\n");

        RepoFiles.Result result =
                RepoFiles.bash(SCRIPT, 60, "--dry-run", "--config-example", example.toString(), "--no-start");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("+ mvn -q -f " + RepoFiles.root().resolve("pom.xml") + " -DskipTests package")
                .contains("--no-start: not enabling or starting redeploy-agent")
                .doesNotContain("systemctl enable");
    }

    @Test
    void uninstallKeepsConfigAndStateUnlessPurged() throws Exception {
        RepoFiles.Result keep = RepoFiles.bash(SCRIPT, 30, "--dry-run", "--uninstall");
        assertThat(keep.exitCode()).as(keep.output()).isZero();
        assertThat(keep.output())
                .contains(
                        "+ systemctl disable --now redeploy-agent",
                        "+ rm -rf /opt/redeploy-agent",
                        "kept /etc/redeploy-agent and /var/lib/redeploy-agent")
                .doesNotContain("rm -rf /etc/redeploy-agent", "userdel");

        RepoFiles.Result purge = RepoFiles.bash(SCRIPT, 30, "--dry-run", "--uninstall", "--purge");
        assertThat(purge.exitCode()).as(purge.output()).isZero();
        assertThat(purge.output())
                .contains("+ rm -rf /etc/redeploy-agent /var/lib/redeploy-agent", "+ userdel redeploy-agent");
    }

    @Test
    void badArgumentsAreRefused() throws Exception {
        assertThat(RepoFiles.bash(SCRIPT, 30, "--frobnicate").output()).contains("unknown option '--frobnicate'");
        assertThat(RepoFiles.bash(SCRIPT, 30, "--frobnicate").exitCode()).isEqualTo(1);
        assertThat(RepoFiles.bash(SCRIPT, 30, "--dry-run", "--purge").exitCode())
                .isEqualTo(1);
        assertThat(RepoFiles.bash(
                                SCRIPT,
                                30,
                                "--dry-run",
                                "--jar",
                                dir.resolve("missing.jar").toString())
                        .output())
                .contains("no jar at");
        assertThat(RepoFiles.bash(SCRIPT, 30, "--help").output()).contains("--uninstall --purge");
    }
}
