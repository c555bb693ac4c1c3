package io.redeploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's path, in a Debian bookworm root made with debootstrap: {@code apt-get install ./redeploy-agent_*.deb}
 * (Java comes from the mirror), the files, user and conffiles it leaves, the launcher on the example config, the
 * unit checked by {@code systemd-analyze verify --root}, an edit that survives a reinstall, then remove and purge.
 * The steps build on each other, hence the order. The root lives in target/ and is deleted at the end
 * (-Dredeploy.keepDebianRoot=true keeps it for a look).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageInstallIT {
    private static final String MIRROR = System.getProperty("redeploy.debianMirror", "http://deb.debian.org/debian");
    private static final String CONFIG = "/etc/redeploy-agent/agent.yml";
    private static final String ENV_FILE = "/etc/redeploy-agent/agent.env";
    private static final String SECRETS = String.join(
            "\n",
            "REDEPLOY_TRIGGER_TOKEN=trigger-secret-0123456789abcdef0123456789",
            "GHCR_TOKEN=ghcr-secret",
            "POSTGRES_PASSWORD=db-secret",
            "SURVEY_ADMIN_EMAIL=admin@example.com",
            "SURVEY_ADMIN_PASSWORD=admin-secret",
            "");

    private DebianRoot root;
    private String debName;
    private String firstInstallOutput;

    @BeforeAll
    void installThePackageIntoAFreshRoot() throws Exception {
        DebianRoot.requireTools();
        Path deb = Repo.deb();
        debName = deb.getFileName().toString();

        Instant start = Instant.now();
        double cpuBefore = childrenCpuSeconds();
        root = DebianRoot.bootstrap(Repo.buildDir().resolve("debian-root"), MIRROR);
        Instant bootstrapped = Instant.now();
        Files.copy(deb, root.path("/tmp/" + debName), StandardCopyOption.REPLACE_EXISTING);
        root.runOk("apt-get", "update", "-q");
        // As the operator does, less the recommended docker.io: the test needs no engine, and Docker's absence is
        // a case the postinst must handle (it creates the docker group).
        firstInstallOutput = root.runOk("apt-get", "install", "-y", "-q", "--no-install-recommends", "./" + debName);
        Instant installed = Instant.now();

        // Wall time depends on the machine's load; the CPU time of the commands tells what an idle machine needs.
        System.out.printf(
                "event=deb.install_it.ready debootstrap_seconds=%d apt_install_seconds=%d total_seconds=%d"
                        + " cpu_seconds=%.0f loadavg=\"%s\"%n",
                Duration.between(start, bootstrapped).toSeconds(),
                Duration.between(bootstrapped, installed).toSeconds(),
                Duration.between(start, installed).toSeconds(),
                childrenCpuSeconds() - cpuBefore,
                Files.readString(Path.of("/proc/loadavg")).strip());
    }

    /** User and system CPU time of this JVM's finished child processes and their descendants (cutime, cstime). */
    private static double childrenCpuSeconds() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 of proc(5) (state): cutime and cstime are fields 16 and 17, in clock ticks of 1/100 s.
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
    }

    @AfterAll
    void deleteTheRoot() throws Exception {
        if (root != null && !Boolean.getBoolean("redeploy.keepDebianRoot")) {
            root.delete();
        }
    }

    @Test
    @Order(1)
    void theJavaDependencyCameFromTheMirrorAndTheFirstInstallLeavesTheExampleStopped() {
        assertThat(root.runOk("dpkg-query", "-W", "-f=${Status} ${Version}", "redeploy-agent"))
                .isEqualTo("install ok installed " + Repo.debVersion());
        assertThat(root.runOk("dpkg-query", "-W", "-f=${Status}", "default-jre-headless"))
                .isEqualTo("install ok installed");
        assertThat(firstInstallOutput)
                .contains("redeploy-agent: created the system user redeploy-agent in the group docker")
                .contains(CONFIG + " is still the unedited example, so the service was not started.")
                .contains("then run: systemctl enable --now redeploy-agent");
    }

    @Test
    @Order(2)
    void filesHaveTheOwnersAndModesOfInstallSh() {
        assertThat(root.modeAndOwner("/usr/share/redeploy-agent/redeploy-agent.jar"))
                .isEqualTo("644 root:root");
        assertThat(root.modeAndOwner("/usr/bin/redeploy-agent")).isEqualTo("755 root:root");
        assertThat(root.modeAndOwner("/lib/systemd/system/redeploy-agent.service"))
                .isEqualTo("644 root:root");
        assertThat(root.modeAndOwner("/etc/redeploy-agent")).isEqualTo("750 root:redeploy-agent");
        assertThat(root.modeAndOwner(CONFIG)).isEqualTo("640 root:redeploy-agent");
        assertThat(root.modeAndOwner(ENV_FILE)).isEqualTo("600 root:root");
        // The unit's StateDirectoryMode: with another mode systemd warns at every start.
        assertThat(root.modeAndOwner("/var/lib/redeploy-agent")).isEqualTo("700 redeploy-agent:redeploy-agent");
        assertThat(root.path(CONFIG)).hasSameTextualContentAs(Repo.file("systemd/agent.example.yml"));
        assertThat(root.path(ENV_FILE)).hasSameTextualContentAs(Repo.file("systemd/redeploy-agent.env.example"));
    }

    @Test
    @Order(3)
    void dpkgKnowsTheConfigAndTheSecretsAsConffiles() {
        String conffiles = root.runOk("dpkg-query", "-W", "-f=${Conffiles}", "redeploy-agent");

        assertThat(conffiles).containsPattern(" " + CONFIG + " [0-9a-f]{32}\\b");
        assertThat(conffiles).containsPattern(" " + ENV_FILE + " [0-9a-f]{32}\\b");
    }

    @Test
    @Order(4)
    void theServiceUserIsASystemUserInTheDockerGroup() {
        String[] passwd =
                root.runOk("getent", "passwd", "redeploy-agent").strip().split(":");

        assertThat(Integer.parseInt(passwd[2])).as("a system uid").isLessThan(1000);
        assertThat(passwd[5]).isEqualTo("/var/lib/redeploy-agent");
        assertThat(passwd[6]).isEqualTo("/usr/sbin/nologin");
        assertThat(root.runOk("id", "-nG", "redeploy-agent").strip().split(" "))
                .containsExactlyInAnyOrder("redeploy-agent", "docker");
    }

    @Test
    @Order(5)
    void theLauncherRunsTheNewestRuntimeWithTheUnitsFlagsAndItsClassDataArchive() {
        String javaHome = root.runOk("/usr/share/redeploy-agent/java-home").strip();
        String archive = "/var/cache/redeploy-agent/" + Path.of(javaHome).getFileName() + ".jsa";
        assertThat(root.modeAndOwner(archive)).isEqualTo("644 root:root");

        // -Xshare:on fails the JVM unless the archive maps: the launcher passes the postinst's archive, and it fits.
        String output = root.runOk(
                "env", "REDEPLOY_AGENT_JAVA_OPTS=-Xshare:on -XX:+PrintCommandLineFlags", "redeploy-agent", "--version");

        assertThat(output)
                .contains("redeploy-agent 0.1.0")
                .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxHeapSize=50331648")
                .contains("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    @Order(6)
    void withoutAJavaRuntimeTheLauncherSaysWhatToInstall() {
        Command.Result result = root.run("env", "REDEPLOY_AGENT_JVM_DIR=/nonexistent", "redeploy-agent", "--version");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("no Java 17 or later under /nonexistent", "default-jre-headless");
    }

    @Test
    @Order(7)
    void aChangeUnderUsrLibJvmRebuildsTheClassDataArchive() throws Exception {
        String javaHome = root.runOk("/usr/share/redeploy-agent/java-home").strip();
        String archive = "/var/cache/redeploy-agent/" + Path.of(javaHome).getFileName() + ".jsa";
        Files.delete(root.path(archive));

        // What the upgrade of a Java package does: it activates the file trigger /usr/lib/jvm.
        String output = root.runOk("sh", "-c", "dpkg-trigger --no-await /usr/lib/jvm && dpkg --triggers-only -a");

        assertThat(output)
                .contains("Processing triggers for redeploy-agent")
                .contains("class-data archive " + archive + " built");
        assertThat(root.path(archive)).isNotEmptyFile();
    }

    @Test
    @Order(8)
    void theExampleConfigWithoutItsSecretsFailsTheCheckNamingThem() {
        Command.Result result = root.run("runuser", "-u", "redeploy-agent", "--", "redeploy-agent", "--check");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("environment variable 'GHCR_TOKEN' is not set");
    }

    @Test
    @Order(9)
    void withTheSecretsInAgentEnvTheServiceUserChecksTheExampleConfigAsValid() throws Exception {
        Files.writeString(root.path(ENV_FILE), SECRETS); // the operator's edit of a conffile

        // As the postinst tells the operator, as the service user (who reads agent.yml through its group).
        String output = root.runOk(
                "sh",
                "-c",
                "set -a; . " + ENV_FILE + "; exec runuser -u redeploy-agent -- redeploy-agent --config " + CONFIG
                        + " --check");

        assertThat(output).contains(CONFIG + " is valid: 2 services").doesNotContain("secret");
    }

    @Test
    @Order(10)
    void theInstalledUnitVerifiesAgainstTheRootAndCanBeEnabled() {
        Command.Result verify = Command.run(
                Duration.ofMinutes(2), "systemd-analyze", "verify", "--root=" + root.dir(), "redeploy-agent.service");

        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).as("warnings count as failures").isBlank();
        // `systemctl enable --now`: the enable half works without a running systemd.
        assertThat(root.runOk("systemctl", "enable", "redeploy-agent"))
                .contains("/etc/systemd/system/multi-user.target.wants/redeploy-agent.service");
    }

    @Test
    @Order(11)
    void anOperatorsEditsToTheConffilesSurviveAReinstall() throws Exception {
        Files.writeString(root.path(CONFIG), "# tuned by the operator\n", StandardOpenOption.APPEND);

        String output = root.runOk("apt-get", "install", "-y", "-q", "--reinstall", "./" + debName);

        assertThat(output).doesNotContain("unedited example");
        assertThat(root.path(CONFIG)).content().endsWith("# tuned by the operator\n");
        assertThat(root.path(ENV_FILE)).content().isEqualTo(SECRETS);
        assertThat(root.modeAndOwner(CONFIG)).isEqualTo("640 root:redeploy-agent");
        assertThat(root.modeAndOwner(ENV_FILE)).isEqualTo("600 root:root");
    }

    @Test
    @Order(12)
    void removeKeepsConfigurationStateUserAndTheEnabledUnit() throws Exception {
        Files.writeString(root.path("/var/lib/redeploy-agent/state.json"), "{}\n");
        // scripts/build-postgres-image.sh caches in this directory too: only the package's archives go.
        Files.writeString(root.path("/var/cache/redeploy-agent/other-cache.tar"), "not ours");

        root.runOk("apt-get", "remove", "-y", "-q", "redeploy-agent");

        assertThat(root.runOk("dpkg-query", "-W", "-f=${Status}", "redeploy-agent"))
                .isEqualTo("deinstall ok config-files");
        for (String gone : List.of(
                "/usr/share/redeploy-agent", "/usr/bin/redeploy-agent", "/lib/systemd/system/redeploy-agent.service")) {
            assertThat(root.path(gone)).as(gone).doesNotExist();
        }
        assertThat(root.path("/var/cache/redeploy-agent")).isDirectoryNotContaining("glob:**.jsa");
        assertThat(root.path("/var/cache/redeploy-agent/other-cache.tar")).exists();
        assertThat(root.path(CONFIG)).content().endsWith("# tuned by the operator\n");
        assertThat(root.path(ENV_FILE)).content().isEqualTo(SECRETS);
        assertThat(root.path("/var/lib/redeploy-agent/state.json")).exists();
        assertThat(root.run("id", "redeploy-agent").exitCode()).isZero();
        assertThat(Files.isSymbolicLink(
                        root.path("/etc/systemd/system/multi-user.target.wants/redeploy-agent.service")))
                .isTrue();
    }

    @Test
    @Order(13)
    void purgeRemovesConfigurationStateAndTheUserButNotDocker() {
        root.runOk("apt-get", "purge", "-y", "-q", "redeploy-agent");

        assertThat(root.run("dpkg-query", "-W", "redeploy-agent").exitCode())
                .as("unknown to dpkg")
                .isNotZero();
        for (String gone : List.of(
                "/etc/redeploy-agent",
                "/var/lib/redeploy-agent",
                "/etc/systemd/system/multi-user.target.wants/redeploy-agent.service")) {
            assertThat(root.path(gone)).as(gone).doesNotExist();
        }
        assertThat(root.run("getent", "passwd", "redeploy-agent").exitCode()).isNotZero();
        assertThat(root.run("getent", "group", "redeploy-agent").exitCode()).isNotZero();
        assertThat(root.run("getent", "group", "docker").exitCode()).isZero();
        assertThat(root.path("/var/cache/redeploy-agent/other-cache.tar")).exists();
        assertThat(root.runOk("dpkg-query", "-W", "-f=${Status}", "default-jre-headless"))
                .isEqualTo("install ok installed");
    }
}
