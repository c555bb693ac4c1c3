package io.redeploy.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The promises of systemd/redeploy-agent.service that an innocent-looking edit could break. */
class SystemdUnitTest {
    private final String unit = read("systemd/redeploy-agent.service");

    @Test
    void runsTheJarWithTheSmallJvmFlags() {
        assertThat(execStart())
                .startsWith("/usr/bin/java ")
                .contains(
                        "-XX:+UseSerialGC",
                        "-Xss512k",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:CICompilerCount=1",
                        "-Xms8m",
                        "-Xmx48m",
                        "-XX:MaxMetaspaceSize=64m",
                        "-XX:ReservedCodeCacheSize=12m",
                        "-XX:SharedArchiveFile=/opt/redeploy-agent/redeploy-agent.jsa",
                        "-Xshare:auto",
                        "-jar /opt/redeploy-agent/redeploy-agent.jar",
                        "--config /etc/redeploy-agent/agent.yml",
                        "-Dorg.slf4j.simpleLogger.showDateTime=false");
    }

    @Test
    void limitsMallocArenas() {
        assertThat(activeLines()).contains("Environment=MALLOC_ARENA_MAX=2");
    }

    @Test
    void restartsOnFailureButNeverForBadConfigAndNotInALoop() {
        assertThat(activeLines())
                .contains(
                        "Restart=on-failure",
                        "RestartPreventExitStatus=2",
                        "SuccessExitStatus=143",
                        "StartLimitIntervalSec=300",
                        "StartLimitBurst=5");
        assertThat(activeLines()).anyMatch(line -> line.startsWith("RestartSec="));
    }

    @Test
    void runsAsItsOwnUserWithDockerAccessAndSystemdManagedDirectories() {
        assertThat(activeLines())
                .contains(
                        "User=redeploy-agent",
                        "SupplementaryGroups=docker",
                        "StateDirectory=redeploy-agent",
                        "ConfigurationDirectory=redeploy-agent",
                        "EnvironmentFile=-/etc/redeploy-agent/agent.env");
    }

    @Test
    void isHardenedWithoutBreakingTheJit() {
        assertThat(activeLines())
                .contains(
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ProtectHome=yes",
                        "PrivateTmp=yes",
                        "PrivateDevices=yes",
                        "ProtectKernelTunables=yes",
                        "ProtectKernelModules=yes",
                        "ProtectControlGroups=yes",
                        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                        "RestrictNamespaces=yes",
                        "LockPersonality=yes",
                        "SystemCallArchitectures=native",
                        "CapabilityBoundingSet=",
                        "UMask=0077");
        assertThat(activeLines()).noneMatch(line -> line.startsWith("MemoryDenyWriteExecute"));
        assertThat(unit).contains("# - MemoryDenyWriteExecute=yes: the JVM's JIT");
    }

    @Test
    void givesAStoppingAgentMoreTimeThanADeployNeedsToFinish() {
        Matcher timeout = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(timeout.find()).isTrue();
        assertThat(Integer.parseInt(timeout.group(1))).isGreaterThanOrEqualTo(120);
    }

    private String execStart() {
        Matcher m = Pattern.compile("(?ms)^ExecStart=(.*?[^\\\\])$").matcher(unit);
        assertThat(m.find()).isTrue();
        return m.group(1).replaceAll("\\\\\\n\\s*", "");
    }

    private List<String> activeLines() {
        return unit.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    private static String read(String relative) {
        try {
            return Files.readString(RepoFiles.file(relative));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
