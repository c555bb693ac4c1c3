package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ServiceBinder} could read of one service, with the lines the cross-service checks point at.
 * Mutable while binding; turned into a {@link ServiceConfig} only when the whole file is valid.
 */
final class ServiceDraft {
    /** A value with the line it was written on. */
    record Located<T>(T value, int line) {}

    final String name;
    final String path;
    final int line;
    ImageRef image;
    ServiceConfig.Source source = ServiceConfig.Source.SPEC;
    String containerName;
    int containerNameLine;
    ServiceConfig.UpdateMode mode = ServiceConfig.UpdateMode.AUTO;
    final Map<String, String> env = new LinkedHashMap<>();
    final List<Located<PortMapping>> ports = new ArrayList<>();
    final List<VolumeMount> volumes = new ArrayList<>();
    Optional<String> network = Optional.empty();
    final List<String> networkAliases = new ArrayList<>();
    final List<Located<String>> dependsOn = new ArrayList<>();
    int dependsOnLine;
    boolean restartOnDependencyUpdate;
    HealthCheckConfig health = HealthCheckConfig.defaults();
    Duration stopTimeout = ServiceConfig.DEFAULT_STOP_TIMEOUT;
    String restartPolicy = ServiceConfig.DEFAULT_RESTART_POLICY;
    Optional<List<String>> command = Optional.empty();
    final Map<String, String> labels = new LinkedHashMap<>();
    boolean pruneOldImages;
    boolean reviveStopped;
    ServiceConfig.Adopt adopt = ServiceConfig.Adopt.ASK;
    UpdatePolicy policy = UpdatePolicy.defaults();
    ServiceConfig.Strategy strategy = ServiceConfig.Strategy.STOP_FIRST;
    Optional<ProxyConfig> proxy = Optional.empty();
    Optional<String> swarmService = Optional.empty();
    int proxyListenLine;
    Optional<TrafficConfig> traffic = Optional.empty();

    ServiceDraft(String name, String path, int line) {
        this.name = name;
        this.path = path;
        this.line = line;
        this.containerName = name;
        this.containerNameLine = line;
        this.dependsOnLine = line;
    }

    List<String> dependencyNames() {
        return dependsOn.stream().map(Located::value).toList();
    }

    ServiceConfig toConfig() {
        return (source == ServiceConfig.Source.SPEC
                        ? ServiceConfig.builder(name, image)
                        : ServiceConfig.following(name, source))
                .containerName(containerName)
                .swarmService(swarmService)
                .mode(mode)
                .env(env)
                .ports(ports.stream().map(Located::value).toList())
                .volumes(volumes)
                .network(network)
                .networkAliases(networkAliases)
                .dependsOn(dependencyNames())
                .restartOnDependencyUpdate(restartOnDependencyUpdate)
                .health(health)
                .stopTimeout(stopTimeout)
                .restartPolicy(restartPolicy)
                .command(command.map(List::copyOf))
                .labels(labels)
                .pruneOldImages(pruneOldImages)
                .reviveStopped(reviveStopped)
                .adopt(adopt)
                .policy(policy)
                .strategy(strategy)
                .proxy(proxy)
                .traffic(traffic)
                .build();
    }
}
