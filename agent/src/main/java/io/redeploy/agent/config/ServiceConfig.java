package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One watched service: where it runs ({@link Source}), the image tag it follows, its policy, and for a service the
 * agent creates itself ({@link Source#SPEC}) everything needed to create its container. {@code env} values are
 * already resolved (${VAR} references expanded from the agent's environment).
 *
 * <p>A service that follows a running container ({@link Source#CONTAINER}) or a Swarm service ({@link Source#SWARM})
 * has no image in the config: the tag to watch is read from what runs, at every poll ({@link #withImage}).
 *
 * @param declaredImage the image and tag to watch; empty until a followed service is resolved
 * @param swarmService  the Swarm service's name, for {@link Source#SWARM}
 * @param reviveStopped a container found stopped (by an operator, or exited) is started again; without it, it is
 *                      reported as down and left alone
 * @param adopt         whether a running container someone else created may be replaced from this description even
 *                      where it differs ({@link Adopt})
 */
public record ServiceConfig(
        String name,
        Optional<ImageRef> declaredImage,
        Source source,
        Optional<String> swarmService,
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
        Optional<ProxyConfig> proxy,
        Optional<TrafficConfig> traffic,
        boolean reviveStopped,
        Adopt adopt) {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_RESTART_POLICY = "unless-stopped";

    /**
     * {@code mode} and {@code policy.kind} say the same thing twice for compatibility ({@code mode: monitor} is
     * {@code policy: notify}); they are kept in step, and "report only" wins when they disagree.
     */
    public ServiceConfig {
        source = source == null ? Source.SPEC : source;
        swarmService = swarmService == null ? Optional.empty() : swarmService;
        if (source == Source.SPEC && declaredImage.isEmpty()) {
            throw new IllegalArgumentException("service " + name + " is created by the agent and needs an image");
        }
        policy = policy == null ? UpdatePolicy.defaults() : policy;
        strategy = strategy == null ? Strategy.STOP_FIRST : strategy;
        proxy = proxy == null ? Optional.empty() : proxy;
        traffic = traffic == null ? Optional.empty() : traffic;
        adopt = adopt == null ? Adopt.ASK : adopt;
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

    /** A service with every setting at its default but its name and image; see {@link ServiceConfigBuilder}. */
    public static ServiceConfigBuilder builder(String name, ImageRef image) {
        return new ServiceConfigBuilder(name).image(image);
    }

    /** A service whose image is read from what runs: a followed container or a Swarm service. */
    public static ServiceConfigBuilder following(String name, Source source) {
        return new ServiceConfigBuilder(name).source(source);
    }

    /** The image and tag to watch. Throws for a followed service that has not been resolved yet. */
    public ImageRef image() {
        return declaredImage.orElseThrow(() -> new IllegalStateException(
                "service " + name + " follows " + describeSource() + ": its image is known once that is inspected"));
    }

    /** True when the image to watch is known (always for a service the agent creates). */
    public boolean resolved() {
        return declaredImage.isPresent();
    }

    /** The same service watching {@code resolvedImage}: how a followed service is resolved at each poll. */
    public ServiceConfig withImage(ImageRef resolvedImage) {
        return toBuilder().image(resolvedImage).build();
    }

    /** {@code container survey-web}, {@code Swarm service survey_web}, or {@code its spec}. */
    public String describeSource() {
        return switch (source) {
            case SPEC -> "its spec";
            case CONTAINER -> "container " + containerName;
            case SWARM -> "Swarm service " + swarmService.orElse(name);
        };
    }

    /** This service's settings, to change some of them. */
    public ServiceConfigBuilder toBuilder() {
        return new ServiceConfigBuilder(name)
                .image(declaredImage)
                .source(source)
                .swarmService(swarmService)
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
                .proxy(proxy)
                .traffic(traffic)
                .reviveStopped(reviveStopped)
                .adopt(adopt);
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

    /**
     * What a start-first deploy switches to the new container: the reverse proxy ({@code traffic}) or the agent's own
     * port ({@code proxy}); empty when the switch is by network aliases alone.
     */
    public Optional<TrafficConfig> trafficSwitch() {
        return traffic.isPresent() ? traffic : proxy.map(TrafficConfig.class::cast);
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
        return "ServiceConfig[name=" + name + ", image="
                + declaredImage.map(Object::toString).orElse("(from " + describeSource() + ")") + ", source=" + source
                + ", containerName=" + containerName
                + ", mode=" + mode + ", env=" + maskedEnv + ", ports=" + ports + ", volumes=" + volumes
                + ", network=" + network + ", networkAliases=" + networkAliases + ", dependsOn=" + dependsOn
                + ", restartOnDependencyUpdate=" + restartOnDependencyUpdate + ", health=" + health
                + ", stopTimeout=" + stopTimeout + ", restartPolicy=" + restartPolicy + ", command=" + command
                + ", labels=" + labels + ", pruneOldImages=" + pruneOldImages + ", policy=" + policy + ", strategy="
                + strategy + ", proxy=" + proxy + ", traffic=" + traffic + ", adopt=" + adopt + "]";
    }

    /** Where a service runs and where its settings come from. */
    public enum Source {
        /** A container the agent creates from the settings in agent.yml. */
        SPEC,
        /** A running container (e.g. started by docker compose) followed as it is: recreated from its own settings. */
        CONTAINER,
        /** A Docker Swarm service: Swarm runs and updates its tasks; the agent decides and follows. */
        SWARM
    }

    /**
     * A service described in agent.yml whose container already runs, created by someone else (adoption): what wins
     * where the two differ.
     */
    public enum Adopt {
        /** Not said: a container that differs is left alone, its differences listed, until the operator decides. */
        ASK,
        /** agent.yml wins: the next deploy replaces the container from its description here. */
        SPEC
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
