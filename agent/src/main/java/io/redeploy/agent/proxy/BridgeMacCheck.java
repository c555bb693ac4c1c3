package io.redeploy.agent.proxy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns at start-up when a {@code proxy:} service runs on a Linux bridge whose MAC follows its ports.
 *
 * <p>dockerd gives every bridge it creates a fixed MAC ({@code addr_assign_type} 3). A bridge made by anything else
 * (a machine image, a network script) takes the lowest MAC of its ports, so it changes when a container leaves the
 * bridge. The containers that stay keep the old gateway MAC in their ARP cache and, for a moment, their answers to the
 * host are lost: a connection through the agent's port, opened just as the old container is removed after a
 * start-first switch, stalls for seconds inside docker-proxy. Measured on such a bridge: ProxyIT lost one probe in 6 of
 * 14 runs, and none in 20 once the MAC was pinned. The agent does not change host networking; it names the fix.
 */
public final class BridgeMacCheck {
    private static final Logger log = LoggerFactory.getLogger(BridgeMacCheck.class);
    /** {@code NET_ADDR_SET} in {@code /sys/class/net/<device>/addr_assign_type}: the MAC was set and stays. */
    static final String FIXED = "3";

    private final Path sysClassNet;
    private final Function<String, Optional<String>> bridgeDevice;

    /**
     * @param sysClassNet  {@code /sys/class/net} of the host the engine runs on
     * @param bridgeDevice a bridge network's Linux device, empty when it is not a bridge (may throw when the engine
     *                     cannot be asked: the check is then skipped for that network)
     */
    public BridgeMacCheck(Path sysClassNet, Function<String, Optional<String>> bridgeDevice) {
        this.sysClassNet = sysClassNet;
        this.bridgeDevice = bridgeDevice;
    }

    /** Logs one warning per floating bridge that a {@code proxy:} service uses; returns the devices warned about. */
    public List<String> warnFloating(List<ServiceConfig> services) {
        Map<String, List<String>> servicesByNetwork = new LinkedHashMap<>();
        for (ServiceConfig service : services) {
            if (service.proxy().isPresent()) {
                servicesByNetwork
                        .computeIfAbsent(service.network().orElse("bridge"), n -> new ArrayList<>())
                        .add(service.name());
            }
        }
        List<String> floating = new ArrayList<>();
        servicesByNetwork.forEach((network, names) -> device(network)
                .ifPresent(device -> assignType(device)
                        .filter(type -> !FIXED.equals(type))
                        .ifPresent(type -> {
                            floating.add(device);
                            Event.warn(log, "proxy.bridge_mac_floating")
                                    .with("network", network)
                                    .with("device", device)
                                    .with("services", String.join(",", names))
                                    .with("addr_assign_type", type)
                                    .reason("the bridge's MAC follows its ports and changes when a container leaves; a "
                                            + "connection through the agent's port can stall for seconds right after a "
                                            + "start-first switch")
                                    .with(
                                            "fix",
                                            "ip link set dev " + device + " address 02:42:xx:xx:xx:xx (any fixed "
                                                    + "address), or remove the bridge and let dockerd create it")
                                    .log();
                        })));
        return floating;
    }

    /** {@code host}, {@code none} and any other non-bridge network come back empty from the engine itself. */
    private Optional<String> device(String network) {
        try {
            return bridgeDevice.apply(network);
        } catch (RuntimeException e) {
            Event.debug(log, "proxy.bridge_unknown")
                    .with("network", network)
                    .reason(e.getMessage())
                    .log();
            return Optional.empty();
        }
    }

    /** Empty when the device is not on this host (an engine elsewhere) or sysfs cannot be read. */
    private Optional<String> assignType(String device) {
        if (device.contains("/") || device.startsWith(".")) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    Files.readString(sysClassNet.resolve(device).resolve("addr_assign_type"), StandardCharsets.US_ASCII)
                            .strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            Event.debug(log, "proxy.bridge_unreadable")
                    .with("device", device)
                    .reason(e.getMessage())
                    .log();
            return Optional.empty();
        }
    }
}
