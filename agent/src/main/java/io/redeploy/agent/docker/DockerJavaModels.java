package io.redeploy.agent.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Translation between docker-java's model and the gateway's own records, in both directions. */
final class DockerJavaModels {
    private DockerJavaModels() {}

    static ExposedPort exposedPort(PortBinding p) {
        return new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol()));
    }

    static Ports portBindings(List<PortBinding> mappings) {
        Ports ports = new Ports();
        for (PortBinding p : mappings) {
            boolean anyIp = p.hostIp().isEmpty();
            Ports.Binding binding;
            if (p.hostPort() == 0) {
                binding = anyIp ? Ports.Binding.empty() : Ports.Binding.bindIp(p.hostIp());
            } else {
                binding = anyIp
                        ? Ports.Binding.bindPort(p.hostPort())
                        : Ports.Binding.bindIpAndPort(p.hostIp(), p.hostPort());
            }
            ports.bind(exposedPort(p), binding);
        }
        return ports;
    }

    static Bind bind(Mount v) {
        // A name without a slash is a named volume: Docker creates it on first use and keeps it afterwards.
        return new Bind(v.source(), new Volume(v.target()), v.readOnly() ? AccessMode.ro : AccessMode.rw);
    }

    static ContainerInfo toContainerInfo(InspectContainerResponse c) {
        ContainerConfig config = c.getConfig();
        InspectContainerResponse.ContainerState state = c.getState();
        Map<String, String> ips = new LinkedHashMap<>();
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        Map<Integer, Integer> published = new LinkedHashMap<>();
        if (c.getNetworkSettings() != null) {
            Map<String, ContainerNetwork> networks = c.getNetworkSettings().getNetworks();
            if (networks != null) {
                networks.forEach((name, n) -> {
                    if (n.getIpAddress() != null && !n.getIpAddress().isEmpty()) ips.put(name, n.getIpAddress());
                    if (n.getAliases() != null) aliases.put(name, List.copyOf(n.getAliases()));
                });
            }
            Ports ports = c.getNetworkSettings().getPorts();
            if (ports != null) {
                ports.getBindings().forEach((exposed, bindings) -> {
                    if (exposed.getProtocol() == InternetProtocol.TCP && bindings != null && bindings.length > 0) {
                        parsePort(bindings[0].getHostPortSpec()).ifPresent(h -> published.put(exposed.getPort(), h));
                    }
                });
            }
        }
        Map<String, String> volumes = new LinkedHashMap<>();
        if (c.getMounts() != null) {
            for (InspectContainerResponse.Mount m : c.getMounts()) {
                // Bind mounts have no name; volume mounts (named or anonymous) have one.
                if (m.getName() != null && !m.getName().isEmpty() && m.getDestination() != null) {
                    volumes.put(m.getDestination().getPath(), m.getName());
                }
            }
        }
        String name = c.getName() == null ? "" : c.getName().replaceFirst("^/", "");
        Long exitCode = state == null ? null : state.getExitCodeLong();
        return new ContainerInfo(
                c.getId(),
                name,
                config == null || config.getImage() == null ? "" : config.getImage(),
                c.getImageId() == null ? "" : c.getImageId(),
                config == null || config.getLabels() == null ? Map.of() : config.getLabels(),
                state == null || state.getStatus() == null ? "unknown" : state.getStatus(),
                exitCode == null ? 0 : exitCode.intValue(),
                c.getRestartCount() == null ? 0 : c.getRestartCount(),
                Optional.ofNullable(
                        state == null || state.getHealth() == null
                                ? null
                                : state.getHealth().getStatus()),
                ips,
                published,
                volumes,
                aliases,
                c.getHostConfig() == null ? "" : c.getHostConfig().getNetworkMode());
    }

    private static Optional<Integer> parsePort(String spec) {
        try {
            return spec == null || spec.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(spec));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static ImageInfo toImageInfo(InspectImageResponse image) {
        HealthCheck health =
                image.getConfig() == null ? null : image.getConfig().getHealthcheck();
        List<String> test = health == null || health.getTest() == null ? List.of() : health.getTest();
        boolean hasHealthcheck = !test.isEmpty() && !"NONE".equals(test.get(0));
        return new ImageInfo(
                image.getId(),
                image.getRepoTags() == null ? List.of() : image.getRepoTags(),
                image.getRepoDigests() == null ? List.of() : image.getRepoDigests(),
                hasHealthcheck,
                image.getConfig() == null || image.getConfig().getLabels() == null
                        ? Map.of()
                        : image.getConfig().getLabels(),
                environment(image.getConfig() == null ? null : image.getConfig().getEnv()),
                io.redeploy.agent.image.ImageFacts.parseCreated(image.getCreated()));
    }

    /** {@code NAME=value} entries as a map; an entry without '=' has an empty value. */
    static Map<String, String> environment(String[] entries) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        if (entries != null) {
            for (String entry : entries) {
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
        }
        return env;
    }
}
