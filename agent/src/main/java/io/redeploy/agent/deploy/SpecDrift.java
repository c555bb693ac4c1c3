package io.redeploy.agent.deploy;

import io.redeploy.agent.config.PortMapping;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.VolumeMount;
import io.redeploy.agent.docker.ContainerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a running container someone else created differs from the service agent.yml describes: replacing it from
 * agent.yml would silently drop or change those settings (a variable only compose sets, a volume under compose's
 * project name holding the data). Environment differences name the keys only: values are routinely secrets.
 */
final class SpecDrift {
    private SpecDrift() {}

    /** One line per kind of difference; empty when the container matches the description. */
    static List<String> between(ServiceConfig service, ContainerSettings container) {
        List<String> differences = new ArrayList<>();
        env(service.env(), container.env(), differences);
        compare("ports", ports(service), container.ports(), differences);
        compare("volumes", mounts(service), container.mounts(), differences);
        Set<String> networks = Set.of(service.network().orElse("bridge"));
        if (!networks.equals(container.networks())) {
            differences.add("networks: the container is on " + String.join(", ", new TreeSet<>(container.networks()))
                    + ", agent.yml says " + String.join(", ", networks));
        }
        return List.copyOf(differences);
    }

    private static void env(Map<String, String> spec, Map<String, String> container, List<String> differences) {
        Set<String> onlyContainer = new TreeSet<>(container.keySet());
        onlyContainer.removeAll(spec.keySet());
        Set<String> onlySpec = new TreeSet<>(spec.keySet());
        onlySpec.removeAll(container.keySet());
        Set<String> changed = new TreeSet<>();
        spec.forEach((key, value) -> {
            if (container.containsKey(key) && !Objects.equals(container.get(key), value)) {
                changed.add(key);
            }
        });
        if (!onlyContainer.isEmpty()) {
            differences.add("env keys set on the container only: " + String.join(", ", onlyContainer));
        }
        if (!onlySpec.isEmpty()) {
            differences.add("env keys in agent.yml only: " + String.join(", ", onlySpec));
        }
        if (!changed.isEmpty()) {
            differences.add("env keys with other values: " + String.join(", ", changed));
        }
    }

    private static void compare(
            String what, Map<String, String> spec, Map<String, String> container, List<String> differences) {
        Set<String> keys = new TreeSet<>(spec.keySet());
        keys.addAll(container.keySet());
        List<String> lines = new ArrayList<>();
        for (String key : keys) {
            String mine = spec.get(key);
            String theirs = container.get(key);
            if (!Objects.equals(mine, theirs)) {
                lines.add(key + " is " + (theirs == null ? "not set" : theirs) + " on the container, "
                        + (mine == null ? "not set" : mine) + " in agent.yml");
            }
        }
        if (!lines.isEmpty()) {
            differences.add(what + ": " + String.join("; ", lines));
        }
    }

    private static Map<String, String> ports(ServiceConfig service) {
        Map<String, String> ports = new TreeMap<>();
        for (PortMapping p : service.ports()) {
            String host = String.valueOf(p.hostPort());
            ports.put(p.containerPort() + "/" + p.protocol(), p.hostIp().isEmpty() ? host : p.hostIp() + ":" + host);
        }
        return ports;
    }

    private static Map<String, String> mounts(ServiceConfig service) {
        Map<String, String> mounts = new TreeMap<>();
        for (VolumeMount v : service.volumes()) {
            mounts.put(v.target(), v.source());
        }
        return mounts;
    }
}
