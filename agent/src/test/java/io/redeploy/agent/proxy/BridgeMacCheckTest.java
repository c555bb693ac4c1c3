package io.redeploy.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ConfigException;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warning about a bridge whose MAC follows its ports, against a fake {@code /sys/class/net}. */
class BridgeMacCheckTest {
    @TempDir
    Path dir;

    /** web and api on the default bridge, admin on its own network, db without a proxy. */
    private List<ServiceConfig> services() throws ConfigException {
        return new ConfigLoader(Map.of())
                .parse("""
                state_dir: %s
                services:
                  web:
                    image: 127.0.0.1:5000/acme/web
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:18080", container_port: 8080}
                  api:
                    image: 127.0.0.1:5000/acme/api
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:18081", container_port: 8080}
                  admin:
                    image: 127.0.0.1:5000/acme/admin
                    network: backoffice
                    strategy: start-first
                    proxy: {listen: "127.0.0.1:18082", container_port: 8080}
                  db:
                    image: 127.0.0.1:5000/acme/db
                    network: data
                """.formatted(dir.resolve("state")), "agent.yml")
                .services();
    }

    private Path sys(String device, String assignType) throws IOException {
        Path d = Files.createDirectories(dir.resolve("sys").resolve(device));
        Files.writeString(d.resolve("addr_assign_type"), assignType + "\n");
        return dir.resolve("sys");
    }

    private static Optional<String> devices(String network) {
        return switch (network) {
            case "bridge" -> Optional.of("docker0");
            case "backoffice" -> Optional.of("br-0123456789ab");
            case "data" -> Optional.of("br-data00000000");
            default -> Optional.empty();
        };
    }

    @Test
    void aBridgeWhoseMacFollowsItsPortsIsNamedOnceWithTheServicesOnIt() throws Exception {
        sys("docker0", "1");
        Path sys = sys("br-0123456789ab", "3");
        sys("br-data00000000", "1"); // db has no proxy: not its concern
        List<String> asked = new ArrayList<>();

        List<String> floating = new BridgeMacCheck(sys, network -> {
                    asked.add(network);
                    return devices(network);
                })
                .warnFloating(services());

        assertThat(floating).containsExactly("docker0");
        assertThat(asked).containsExactly("bridge", "backoffice");
    }

    @Test
    void fixedMacsMissingDevicesAndAnEngineThatCannotBeAskedWarnOfNothing() throws Exception {
        Path sys = sys("docker0", "3");
        assertThat(new BridgeMacCheck(sys, BridgeMacCheckTest::devices).warnFloating(services()))
                .isEmpty();

        // br-0123456789ab is not in this sysfs: the engine runs elsewhere.
        assertThat(new BridgeMacCheck(dir.resolve("nowhere"), BridgeMacCheckTest::devices).warnFloating(services()))
                .isEmpty();

        assertThat(new BridgeMacCheck(sys("docker0", "1"), network -> {
                            throw new IllegalStateException("could not inspect network " + network);
                        })
                        .warnFloating(services()))
                .isEmpty();
    }

    @Test
    void aDeviceNameIsNeverUsedAsAPathOutsideSysfs() throws Exception {
        Path sys = sys("docker0", "1");
        Files.writeString(dir.resolve("addr_assign_type"), "1");
        assertThat(new BridgeMacCheck(sys, network -> Optional.of("..")).warnFloating(services()))
                .isEmpty();
    }
}
