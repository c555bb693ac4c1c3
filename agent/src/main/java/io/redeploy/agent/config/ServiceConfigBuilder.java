package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds a {@link ServiceConfig}: every setting the config file may leave out has its default here. */
public final class ServiceConfigBuilder {
    private final String name;
    private Optional<ImageRef> image = Optional.empty();
    private ServiceConfig.Source source = ServiceConfig.Source.SPEC;
    private Optional<String> swarmService = Optional.empty();
    private String containerName;
    private ServiceConfig.UpdateMode mode = ServiceConfig.UpdateMode.AUTO;
    private Map<String, String> env = Map.of();
    private List<PortMapping> ports = List.of();
    private List<VolumeMount> volumes = List.of();
    private Optional<String> network = Optional.empty();
    private List<String> networkAliases = List.of();
    private List<String> dependsOn = List.of();
    private boolean restartOnDependencyUpdate;
    private HealthCheckConfig health = HealthCheckConfig.defaults();
    private Duration stopTimeout = ServiceConfig.DEFAULT_STOP_TIMEOUT;
    private String restartPolicy = ServiceConfig.DEFAULT_RESTART_POLICY;
    private Optional<List<String>> command = Optional.empty();
    private Map<String, String> labels = Map.of();
    private boolean pruneOldImages;
    private UpdatePolicy policy = UpdatePolicy.defaults();
    private ServiceConfig.Strategy strategy = ServiceConfig.Strategy.STOP_FIRST;
    private Optional<ProxyConfig> proxy = Optional.empty();
    private Optional<TrafficConfig> traffic = Optional.empty();
    private boolean reviveStopped;
    private ServiceConfig.Adopt adopt = ServiceConfig.Adopt.ASK;

    ServiceConfigBuilder(String name) {
        this.name = name;
        this.containerName = name;
    }

    public ServiceConfigBuilder image(ImageRef value) {
        image = Optional.of(value);
        return this;
    }

    public ServiceConfigBuilder image(Optional<ImageRef> value) {
        image = value;
        return this;
    }

    public ServiceConfigBuilder source(ServiceConfig.Source value) {
        source = value;
        return this;
    }

    public ServiceConfigBuilder swarmService(Optional<String> value) {
        swarmService = value;
        return this;
    }

    public ServiceConfigBuilder containerName(String value) {
        containerName = value;
        return this;
    }

    public ServiceConfigBuilder mode(ServiceConfig.UpdateMode value) {
        mode = value;
        return this;
    }

    public ServiceConfigBuilder env(Map<String, String> value) {
        env = value;
        return this;
    }

    public ServiceConfigBuilder ports(List<PortMapping> value) {
        ports = value;
        return this;
    }

    public ServiceConfigBuilder volumes(List<VolumeMount> value) {
        volumes = value;
        return this;
    }

    public ServiceConfigBuilder network(Optional<String> value) {
        network = value;
        return this;
    }

    public ServiceConfigBuilder networkAliases(List<String> value) {
        networkAliases = value;
        return this;
    }

    public ServiceConfigBuilder dependsOn(List<String> value) {
        dependsOn = value;
        return this;
    }

    public ServiceConfigBuilder restartOnDependencyUpdate(boolean value) {
        restartOnDependencyUpdate = value;
        return this;
    }

    public ServiceConfigBuilder health(HealthCheckConfig value) {
        health = value;
        return this;
    }

    public ServiceConfigBuilder stopTimeout(Duration value) {
        stopTimeout = value;
        return this;
    }

    public ServiceConfigBuilder restartPolicy(String value) {
        restartPolicy = value;
        return this;
    }

    public ServiceConfigBuilder command(Optional<List<String>> value) {
        command = value;
        return this;
    }

    public ServiceConfigBuilder labels(Map<String, String> value) {
        labels = value;
        return this;
    }

    public ServiceConfigBuilder pruneOldImages(boolean value) {
        pruneOldImages = value;
        return this;
    }

    public ServiceConfigBuilder policy(UpdatePolicy value) {
        policy = value;
        return this;
    }

    public ServiceConfigBuilder strategy(ServiceConfig.Strategy value) {
        strategy = value;
        return this;
    }

    public ServiceConfigBuilder proxy(Optional<ProxyConfig> value) {
        proxy = value;
        return this;
    }

    /** A reverse proxy in front of a start-first service ({@code traffic:}): Caddy or HAProxy. */
    public ServiceConfigBuilder traffic(Optional<TrafficConfig> value) {
        traffic = value;
        return this;
    }

    public ServiceConfigBuilder reviveStopped(boolean value) {
        reviveStopped = value;
        return this;
    }

    public ServiceConfigBuilder adopt(ServiceConfig.Adopt value) {
        adopt = value;
        return this;
    }

    public ServiceConfig build() {
        return new ServiceConfig(
                name,
                image,
                source,
                swarmService,
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
                proxy,
                traffic,
                reviveStopped,
                adopt);
    }
}
