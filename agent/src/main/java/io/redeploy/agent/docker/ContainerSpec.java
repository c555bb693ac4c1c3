package io.redeploy.agent.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to create one container, independent of docker-java.
 * {@code image} is a full reference, normally by digest ({@code repo@sha256:...}) so that the container's
 * image carries exactly that RepoDigest. {@code env} values may be secrets: never log them.
 */
public record ContainerSpec(
        String name,
        String image,
        Map<String, String> env,
        List<PortBinding> ports,
        List<Mount> volumes,
        Optional<String> network,
        List<String> networkAliases,
        Map<String, String> labels,
        String restartPolicy,
        Optional<List<String>> command,
        Duration stopTimeout) {

    public ContainerSpec {
        env = Map.copyOf(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networkAliases = List.copyOf(networkAliases);
        labels = Map.copyOf(labels);
        command = command.map(List::copyOf);
    }

    /** Shows everything but env values, which can be secrets. */
    @Override
    public String toString() {
        return "ContainerSpec[name=" + name + ", image=" + image + ", env=" + env.keySet() + ", ports=" + ports
                + ", volumes=" + volumes + ", network=" + network.orElse("default") + ", labels=" + labels + "]";
    }
}
