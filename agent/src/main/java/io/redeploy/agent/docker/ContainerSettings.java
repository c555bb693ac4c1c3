package io.redeploy.agent.docker;

import java.util.Map;
import java.util.Set;

/**
 * What a container was configured with by whoever created it (docker run, docker compose): what a service described
 * in agent.yml is compared with before the agent adopts and replaces that container.
 *
 * @param env      variables set for the container: its environment without the entries it has unchanged from the
 *                 image's own {@code ENV}
 * @param ports    {@code 8080/tcp} to the host binding asked for, {@code [hostIp:]hostPort} ({@code HostConfig})
 * @param mounts   destination to source: a named volume's name or a bind's host path; anonymous volumes left out
 * @param networks the networks it is connected to
 */
public record ContainerSettings(
        Map<String, String> env, Map<String, String> ports, Map<String, String> mounts, Set<String> networks) {
    public ContainerSettings {
        env = Map.copyOf(env);
        ports = Map.copyOf(ports);
        mounts = Map.copyOf(mounts);
        networks = Set.copyOf(networks);
    }
}
