package io.redeploy.agent.docker;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the engine says about one container, reduced to what the deploy logic needs.
 *
 * @param name           without Docker's leading slash
 * @param image          the reference the container was created from (a tag or {@code repo@sha256:...})
 * @param imageId        the local image id ({@code sha256:...} of the image config)
 * @param status         Docker's state: created, running, restarting, paused, exited, dead, removing
 * @param health         Docker HEALTHCHECK status (starting, healthy, unhealthy) when the image defines one
 * @param ipAddresses    network name to the container's IP address on it
 * @param publishedPorts container TCP port to the host port it is published on
 * @param volumes        mount destination to volume name, for volume mounts (named or anonymous; not binds)
 * @param aliases        network name to the aliases the container answers to there (user-defined networks)
 * @param networkMode    {@code HostConfig.NetworkMode}: a network's name, {@code host}, {@code none}, or
 *                       {@code container:<id>} when it shares another container's network stack
 */
public record ContainerInfo(
        String id,
        String name,
        String image,
        String imageId,
        Map<String, String> labels,
        String status,
        int exitCode,
        int restartCount,
        Optional<String> health,
        Map<String, String> ipAddresses,
        Map<Integer, Integer> publishedPorts,
        Map<String, String> volumes,
        Map<String, java.util.List<String>> aliases,
        String networkMode) {

    private static final Pattern ANONYMOUS_VOLUME = Pattern.compile("[0-9a-f]{64}");

    public ContainerInfo {
        labels = Map.copyOf(labels);
        volumes = Map.copyOf(volumes);
        aliases = Map.copyOf(aliases);
        networkMode = networkMode == null ? "" : networkMode;
        ipAddresses = Map.copyOf(ipAddresses);
        publishedPorts = Map.copyOf(publishedPorts);
    }

    /** The aliases a user gave it on each network: without the container's own short id, which Docker adds. */
    public Map<String, java.util.List<String>> userAliases() {
        Map<String, java.util.List<String>> user = new java.util.TreeMap<>();
        aliases.forEach((network, names) -> {
            java.util.List<String> given =
                    names.stream().filter(a -> !id.startsWith(a)).toList();
            if (!given.isEmpty()) user.put(network, given);
        });
        return user;
    }

    public boolean running() {
        return "running".equals(status);
    }

    /** Created but never started: what a deploy interrupted between create and start leaves behind. */
    public boolean neverStarted() {
        return "created".equals(status);
    }

    /** Stopped by itself or being restarted by its restart policy: either way it is not serving. */
    public boolean exitedOrRestarting() {
        return "exited".equals(status) || "dead".equals(status) || "restarting".equals(status);
    }

    public boolean managed() {
        return AgentLabels.isManaged(labels);
    }

    /** Volumes Docker created for the image's VOLUME declarations (no name given): destination to volume name. */
    public Map<String, String> anonymousVolumes() {
        Map<String, String> anonymous = new java.util.TreeMap<>();
        volumes.forEach((destination, name) -> {
            if (ANONYMOUS_VOLUME.matcher(name).matches()) anonymous.put(destination, name);
        });
        return anonymous;
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
