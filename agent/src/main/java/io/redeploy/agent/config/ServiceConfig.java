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
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_RESTART_POLICY = "unless-stopped";

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

    /** A service with every setting at its default but its name and image; see {@link Builder}. */
    public static Builder builder(String name, ImageRef image) {
        return new Builder(name, image);
    }

    /** This service's settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder(name, image)
                .containerName(containerName)
                .mode(mode)
                .env(env)
                .ports(ports)
                .volumes(volumes)
                .network(network)
                .networkAliases(networkAliases)
                .dependsOn(dependsOn)
                .restartOnDependencyUpdate(restartOnDependencyUpdate)
                .health(health)
                .stopTimeout(stopTimeout)
                .restartPolicy(restartPolicy)
                .command(command)
                .labels(labels)
                .pruneOldImages(pruneOldImages)
                .policy(policy)
                .strategy(strategy)
                .proxy(proxy);
    }

    /** The same service under another policy. */
    public ServiceConfig withPolicy(UpdatePolicy newPolicy) {
        return toBuilder()
                .mode(newPolicy.kind() == UpdatePolicy.Kind.NOTIFY ? UpdateMode.MONITOR : UpdateMode.AUTO)
                .policy(newPolicy)
                .build();
    }

    /** The same service deployed with another strategy. */
    public ServiceConfig withStrategy(Strategy newStrategy) {
        return toBuilder().strategy(newStrategy).build();
    }

    /** The same service behind a port the agent owns ({@code strategy: start-first} with {@code proxy}). */
    public ServiceConfig withProxy(ProxyConfig newProxy) {
        return toBuilder()
                .strategy(Strategy.START_FIRST)
                .proxy(Optional.of(newProxy))
                .build();
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

    /** Builds a {@link ServiceConfig}: every setting the config file may leave out has its default here. */
    public static final class Builder {
        private final String name;
        private final ImageRef image;
        private String containerName;
        private UpdateMode mode = UpdateMode.AUTO;
        private Map<String, String> env = Map.of();
        private List<PortMapping> ports = List.of();
        private List<VolumeMount> volumes = List.of();
        private Optional<String> network = Optional.empty();
        private List<String> networkAliases = List.of();
        private List<String> dependsOn = List.of();
        private boolean restartOnDependencyUpdate;
        private HealthCheckConfig health = HealthCheckConfig.defaults();
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private String restartPolicy = DEFAULT_RESTART_POLICY;
        private Optional<List<String>> command = Optional.empty();
        private Map<String, String> labels = Map.of();
        private boolean pruneOldImages;
        private UpdatePolicy policy = UpdatePolicy.defaults();
        private Strategy strategy = Strategy.STOP_FIRST;
        private Optional<ProxyConfig> proxy = Optional.empty();

        private Builder(String name, ImageRef image) {
            this.name = name;
            this.image = image;
            this.containerName = name;
        }

        public Builder containerName(String value) {
            containerName = value;
            return this;
        }

        public Builder mode(UpdateMode value) {
            mode = value;
            return this;
        }

        public Builder env(Map<String, String> value) {
            env = value;
            return this;
        }

        public Builder ports(List<PortMapping> value) {
            ports = value;
            return this;
        }

        public Builder volumes(List<VolumeMount> value) {
            volumes = value;
            return this;
        }

        public Builder network(Optional<String> value) {
            network = value;
            return this;
        }

        public Builder networkAliases(List<String> value) {
            networkAliases = value;
            return this;
        }

        public Builder dependsOn(List<String> value) {
            dependsOn = value;
            return this;
        }

        public Builder restartOnDependencyUpdate(boolean value) {
            restartOnDependencyUpdate = value;
            return this;
        }

        public Builder health(HealthCheckConfig value) {
            health = value;
            return this;
        }

        public Builder stopTimeout(Duration value) {
            stopTimeout = value;
            return this;
        }

        public Builder restartPolicy(String value) {
            restartPolicy = value;
            return this;
        }

        public Builder command(Optional<List<String>> value) {
            command = value;
            return this;
        }

        public Builder labels(Map<String, String> value) {
            labels = value;
            return this;
        }

        public Builder pruneOldImages(boolean value) {
            pruneOldImages = value;
            return this;
        }

        public Builder policy(UpdatePolicy value) {
            policy = value;
            return this;
        }

        public Builder strategy(Strategy value) {
            strategy = value;
            return this;
        }

        public Builder proxy(Optional<ProxyConfig> value) {
            proxy = value;
            return this;
        }

        public ServiceConfig build() {
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
                    strategy,
                    proxy);
        }
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
