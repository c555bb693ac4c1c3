package io.redeploy.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One watched service and everything needed to recreate its container exactly.
 * {@code env} values are already resolved (${VAR} references expanded from the agent's environment).
 */
public record ServiceConfig(
        String name,
        ImageRef image,
        String containerName,
        UpdateMode mode,
        Map<String, String> env,
        List<PortMapping> ports,
        List<VolumeMount> volumes,
        Optional<String> network,
        List<String> networkAliases,
        List<String> dependsOn,
        boolean restartOnDependencyUpdate,
        HealthCheckConfig health,
        Duration stopTimeout,
        String restartPolicy,
        Optional<List<String>> command,
        Map<String, String> labels,
        boolean pruneOldImages) {

    public ServiceConfig {
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networkAliases = List.copyOf(networkAliases);
        dependsOn = List.copyOf(dependsOn);
        labels = Map.copyOf(labels);
    }

    /** Like the record's own, but env values are masked: they routinely hold passwords (DATABASE_URL, ...). */
    @Override
    public String toString() {
        Map<String, String> maskedEnv = new java.util.TreeMap<>();
        env.keySet().forEach(key -> maskedEnv.put(key, "****"));
        return "ServiceConfig[name=" + name + ", image=" + image + ", containerName=" + containerName
                + ", mode=" + mode + ", env=" + maskedEnv + ", ports=" + ports + ", volumes=" + volumes
                + ", network=" + network + ", networkAliases=" + networkAliases + ", dependsOn=" + dependsOn
                + ", restartOnDependencyUpdate=" + restartOnDependencyUpdate + ", health=" + health
                + ", stopTimeout=" + stopTimeout + ", restartPolicy=" + restartPolicy + ", command=" + command
                + ", labels=" + labels + ", pruneOldImages=" + pruneOldImages + "]";
    }

    public enum UpdateMode {
        /** Deploy every new digest of the tag. */
        AUTO,
        /** Report new digests, never touch the container. */
        MONITOR
    }
}
