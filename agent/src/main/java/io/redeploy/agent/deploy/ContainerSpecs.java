package io.redeploy.agent.deploy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.VolumeMount;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.Mount;
import io.redeploy.agent.docker.PortBinding;
import io.redeploy.agent.docker.RegistryAuth;
import io.redeploy.agent.image.Digest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Turns a service's configuration and a target digest into the container to create. */
public final class ContainerSpecs {
    /** Where a proxied container publishes its port: only the agent, on the same host, needs to reach it. */
    public static final String PROXY_PUBLISH_IP = "127.0.0.1";

    private static final Pattern RESTART_POLICY = Pattern.compile("no|always|unless-stopped|on-failure(:[0-9]+)?");

    /** Docker's own networks (and {@code container:<id>} sharing) exist on every host and cannot be created. */
    public static boolean isBuiltInNetwork(String network) {
        return network.equals("bridge")
                || network.equals("host")
                || network.equals("none")
                || network.startsWith("container:");
    }

    private ContainerSpecs() {}

    /** The image by digest ({@code repo@sha256:...}), so the new container's RepoDigests match exactly. */
    public static String imageReference(ServiceConfig service, Digest digest) {
        return service.image().dockerName() + "@" + digest.value();
    }

    /** The credentials the engine sends when it pulls from the service's registry. */
    public static RegistryAuth registryAuth(RegistryConfig registry) {
        if (!registry.hasCredentials()) {
            return RegistryAuth.anonymous(registry.host());
        }
        return new RegistryAuth(
                registry.host(), registry.username(), registry.password().map(Secret::reveal));
    }

    /** The labels the agent puts on every container it creates: managed, the service, the digest. */
    public static Map<String, String> agentLabels(ServiceConfig service, Digest target) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(AgentLabels.MANAGED, "true");
        labels.put(AgentLabels.SERVICE, service.name());
        labels.put(AgentLabels.DIGEST, target.value());
        return labels;
    }

    public static ContainerSpec forDeploy(ServiceConfig service, Digest target) {
        return forDeploy(service, target, Map.of());
    }

    /**
     * @param keptVolumes volumes of the old container to mount again (destination to volume name): the anonymous
     *                    volumes Docker created for the image's VOLUME declarations, which hold data (a Postgres
     *                    cluster without a configured volume) but appear in no configuration. Destinations the
     *                    configuration mounts itself are ignored.
     */
    public static ContainerSpec forDeploy(ServiceConfig service, Digest target, Map<String, String> keptVolumes) {
        String restartPolicy =
                service.restartPolicy() == null || service.restartPolicy().isBlank() ? "no" : service.restartPolicy();
        if (!RESTART_POLICY.matcher(restartPolicy).matches()) {
            // Checked here, before the old container is touched, rather than by the engine at create time.
            throw new IllegalArgumentException(
                    "restart policy '" + restartPolicy + "' is not one of no, always, unless-stopped, on-failure[:N]");
        }
        List<Mount> volumes = new ArrayList<>();
        service.volumes().forEach(v -> volumes.add(new Mount(v.source(), v.target(), v.readOnly())));
        Set<String> configured =
                service.volumes().stream().map(VolumeMount::target).collect(Collectors.toSet());
        keptVolumes.forEach((destination, name) -> {
            if (!configured.contains(destination)) volumes.add(new Mount(name, destination, false));
        });
        Map<String, String> labels = new LinkedHashMap<>(service.labels());
        // Ours last: a configured label must not be able to disown or mislabel the container.
        labels.putAll(agentLabels(service, target));
        List<PortBinding> ports = new ArrayList<>();
        service.ports()
                .forEach(p -> ports.add(new PortBinding(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol())));
        // Behind a traffic switch (the agent's port or a reverse proxy): an ephemeral loopback port, so that the old
        // and the new container can both run.
        service.trafficSwitch()
                .ifPresent(p -> ports.add(new PortBinding(PROXY_PUBLISH_IP, 0, p.containerPort(), "tcp")));
        return new ContainerSpec(
                service.containerName(),
                imageReference(service, target),
                service.env(),
                ports,
                volumes,
                service.network(),
                service.networkAliases(),
                labels,
                restartPolicy,
                service.command(),
                service.stopTimeout());
    }
}
