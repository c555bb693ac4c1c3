package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
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
        boolean pruneOldImages,
        UpdatePolicy policy,
        Strategy strategy,
        Optional<ProxyConfig> proxy) {

    /**
     * {@code mode} and {@code policy.kind} say the same thing twice for compatibility ({@code mode: monitor} is
     * {@code policy: notify}); they are kept in step, and "report only" wins when they disagree.
     */
    public ServiceConfig {
        policy = policy == null ? UpdatePolicy.defaults() : policy;
        strategy = strategy == null ? Strategy.STOP_FIRST : strategy;
        proxy = proxy == null ? Optional.empty() : proxy;
        if (mode == UpdateMode.MONITOR && policy.kind() != UpdatePolicy.Kind.NOTIFY) {
            policy = policy.withKind(UpdatePolicy.Kind.NOTIFY);
        }
        if (policy.kind() == UpdatePolicy.Kind.NOTIFY) {
            mode = UpdateMode.MONITOR;
        }
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networkAliases = List.copyOf(networkAliases);
        dependsOn = List.copyOf(dependsOn);
        labels = Map.copyOf(labels);
    }

    /** A service without a port owned by the agent. */
    public ServiceConfig(
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
            boolean pruneOldImages,
            UpdatePolicy policy,
            Strategy strategy) {
        this(
                name,
                image,
                containerName,
                mode,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                policy,
                strategy,
                Optional.empty());
    }

    /** A service with the default strategy ({@code stop-first}). */
    public ServiceConfig(
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
            boolean pruneOldImages,
            UpdatePolicy policy) {
        this(
                name,
                image,
                containerName,
                mode,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                policy,
                Strategy.STOP_FIRST);
    }

    /** A service with the default policy ({@code auto}, or {@code notify} for {@code mode: MONITOR}) and no hooks. */
    public ServiceConfig(
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
        this(
                name,
                image,
                containerName,
                mode,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                UpdatePolicy.defaults());
    }

    /** The same service under another policy. */
    public ServiceConfig withPolicy(UpdatePolicy newPolicy) {
        return new ServiceConfig(
                name,
                image,
                containerName,
                newPolicy.kind() == UpdatePolicy.Kind.NOTIFY ? UpdateMode.MONITOR : UpdateMode.AUTO,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                newPolicy,
                strategy,
                proxy);
    }

    /** The same service deployed with another strategy. */
    public ServiceConfig withStrategy(Strategy newStrategy) {
        return new ServiceConfig(
                name,
                image,
                containerName,
                mode,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                policy,
                newStrategy,
                proxy);
    }

    /** The same service behind a port the agent owns ({@code strategy: start-first} with {@code proxy}). */
    public ServiceConfig withProxy(ProxyConfig newProxy) {
        return new ServiceConfig(
                name,
                image,
                containerName,
                mode,
                env,
                ports,
                volumes,
                network,
                networkAliases,
                dependsOn,
                restartOnDependencyUpdate,
                health,
                stopTimeout,
                restartPolicy,
                command,
                labels,
                pruneOldImages,
                policy,
                Strategy.START_FIRST,
                Optional.of(newProxy));
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
                + ", labels=" + labels + ", pruneOldImages=" + pruneOldImages + ", policy=" + policy + ", strategy="
                + strategy + ", proxy=" + proxy + "]";
    }

    public enum UpdateMode {
        /** Deploy every new digest of the tag. */
        AUTO,
        /** Report new digests, never touch the container (the same as {@code policy: notify}). */
        MONITOR
    }

    /** How a new build replaces the running container. */
    public enum Strategy {
        /** Stop the old container, then start the new one (a short outage; works for every service). */
        STOP_FIRST,
        /**
         * Start the new container next to the old one and switch the service's network aliases, or the port the
         * agent owns ({@link ProxyConfig}), over once it is healthy (no outage; only for a service without published
         * ports).
         */
        START_FIRST
    }
}
