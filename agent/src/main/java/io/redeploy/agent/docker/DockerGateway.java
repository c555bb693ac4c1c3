package io.redeploy.agent.docker;

import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The few Docker Engine operations the agent needs, in its own types. The only implementation that talks
 * to an engine is {@link DockerJavaGateway}; the deploy logic is tested against an in-memory fake.
 * Failures are {@link DockerGatewayException}s carrying a readable message.
 */
public interface DockerGateway {

    /** Fails when the engine does not answer. */
    void ping();

    /** The engine's version and the API version it serves, e.g. {@code 20.10.24 (API 1.41)}. */
    String version();

    /** By name (without slash) or id; empty when no such container exists. */
    Optional<ContainerInfo> inspectContainer(String nameOrId);

    /** By id or reference ({@code repo:tag}, {@code repo@sha256:...}); empty when not present locally. */
    Optional<ImageInfo> inspectImage(String idOrReference);

    /**
     * Pulls {@code repository} at {@code tagOrDigest} (a digest pulls exactly that content), sending the
     * registry's credentials when it has some. Blocks until done or {@code timeout}.
     */
    void pull(String repository, String tagOrDigest, RegistryAuth auth, Duration timeout);

    /** Creates (does not start) the container; returns its id. */
    /**
     * Makes sure a user-defined network exists (created as a bridge network carrying the agent's label when
     * missing), so a service can be deployed on a fresh host as docker compose would. Never removes one.
     */
    void ensureNetwork(String name);

    /**
     * The host's Linux bridge behind a bridge network ({@code docker0} for {@code bridge}, {@code br-<id>} for a
     * user-defined one); empty for another driver or a network that does not exist.
     */
    default Optional<String> bridgeDevice(String network) {
        return Optional.empty();
    }

    String create(ContainerSpec spec);

    /**
     * Creates (does not start) a container from another one's own configuration, with {@code image} instead of its
     * image and {@code labels} added (see {@link ContainerCopy}); returns the new id.
     *
     * @param withAliases false to leave out its network aliases (a start-first switch adds them once healthy)
     */
    default String copy(
            String sourceId, String name, String image, java.util.Map<String, String> labels, boolean withAliases) {
        throw new DockerGatewayException(
                "copying a container is not supported by " + getClass().getSimpleName());
    }

    /**
     * What the container was configured with (environment, port bindings, mounts, networks), to compare with a
     * description of it; empty when no such container exists or this gateway cannot tell.
     */
    default Optional<ContainerSettings> settings(String nameOrId) {
        return Optional.empty();
    }

    /** Points {@code repository:tag} at the local image {@code imageId} (moving the tag when it named another). */
    default void tag(String imageId, String repository, String tag) {
        throw new DockerGatewayException(
                "tagging is not supported by " + getClass().getSimpleName());
    }

    void rename(String containerId, String newName);

    void start(String containerId);

    /** Asks the process to stop, killing it after {@code timeout}. Stopping a stopped container is a no-op. */
    void stop(String containerId, Duration timeout);

    /**
     * Stops (as {@link #stop}) and starts the container. The engine does both in one call, so an agent killed
     * meanwhile cannot leave it stopped; this default, for test doubles, does the two steps.
     */
    default void restart(String containerId, Duration timeout) {
        stop(containerId, timeout);
        start(containerId);
    }

    /** Removes the container (forcefully when running) but never its volumes. A missing container is a no-op. */
    void remove(String containerId);

    /** Every container, running or not, whose label {@code key} equals {@code value}. */
    List<ContainerInfo> listByLabel(String key, String value);

    /** The last {@code lines} lines of the container's stdout and stderr; empty when they cannot be read. */
    String logsTail(String containerId, int lines);

    /** Local images of the repository (e.g. {@code ghcr.io/acme/app}), tagged or only digested. */
    List<ImageInfo> listImages(String repository);

    /**
     * Removes one reference ({@code repo:tag} or {@code repo@sha256:...}); the image itself goes once nothing
     * references it. Returns false, removing nothing, when a container uses the image or the reference is gone.
     */
    boolean removeImage(String reference);

    /**
     * Runs {@code command} inside the running container (like {@code docker exec}), streaming its stdout into
     * {@code stdout}, and waits for it up to {@code timeout}. Throws {@link DockerGatewayException} when it cannot
     * be started, writing stdout fails, or it does not finish in time.
     */
    default ExecResult exec(
            String containerId, java.util.List<String> command, Duration timeout, java.io.OutputStream stdout) {
        throw new DockerGatewayException(
                "exec is not supported by " + getClass().getSimpleName());
    }

    /**
     * Connects the container to a network under the given aliases (how a start-first deploy moves a service's
     * name to the new container). Fails when it is already connected.
     */
    default void connectNetwork(String containerId, String network, List<String> aliases) {
        throw new DockerGatewayException(
                "network connect is not supported by " + getClass().getSimpleName());
    }

    /** Disconnects the container from a network; its aliases there stop resolving to it at once. */
    default void disconnectNetwork(String containerId, String network) {
        throw new DockerGatewayException(
                "network disconnect is not supported by " + getClass().getSimpleName());
    }

    /** Streams container events of containers carrying {@code labelKey=labelValue}; close to stop. */
    Closeable containerEvents(String labelKey, String labelValue, Consumer<ContainerEvent> listener);
}
