package io.redeploy.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link DockerGateway} over docker-java with the Apache HttpClient 5 transport (unix socket or tcp).
 *
 * <p>The API version is never pinned: the client is configured with {@link RemoteApiVersion#UNKNOWN_VERSION},
 * so docker-java sends unversioned paths ({@code /containers/json}, not {@code /v1.41/containers/json}) and
 * every engine answers at its own current API version: 1.41 on Engine 20.10, 1.52 on Engine 29, which refuses
 * versioned requests below 1.44.
 */
public final class DockerJavaGateway implements DockerGateway, AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DockerJavaGateway.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOGS_TIMEOUT = Duration.ofSeconds(5);
    private static final int EXEC_STDERR_KEPT = 4096;

    private final DockerClient client;

    private DockerJavaGateway(DockerClient client) {
        this.client = client;
    }

    /** Connects lazily: the first call (normally {@link #ping()}) tells whether the engine answers. */
    public static DockerJavaGateway connect(String host) {
        // Explicitly UNKNOWN_VERSION: the default builder would otherwise pick up DOCKER_API_VERSION or
        // ~/.docker-java.properties and pin a version that a newer engine may refuse.
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withApiVersion(RemoteApiVersion.UNKNOWN_VERSION)
                .build();
        DockerHttpClient http = new ConnectionPerRequest(new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxConnections(16)
                .build());
        return new DockerJavaGateway(DockerClientImpl.getInstance(config, http));
    }

    @Override
    public void ping() {
        call("ping the Docker engine", () -> client.pingCmd().exec());
    }

    @Override
    public void ensureNetwork(String name) {
        boolean exists = call(
                        "list networks",
                        () -> client.listNetworksCmd().withNameFilter(name).exec())
                .stream()
                .anyMatch(n -> n.getName().equals(name));
        if (!exists) {
            call(
                    "create network " + name,
                    () -> client.createNetworkCmd()
                            .withName(name)
                            .withDriver("bridge")
                            .withLabels(java.util.Map.of(AgentLabels.MANAGED, "true"))
                            .exec());
            io.redeploy.agent.log.Event.info(log, "docker.network_created")
                    .with("network", name)
                    .log();
        }
    }

    @Override
    public Optional<String> bridgeDevice(String network) {
        return findOrEmpty(
                        "inspect network " + network,
                        () -> client.inspectNetworkCmd().withNetworkId(network).exec())
                .filter(n -> "bridge".equals(n.getDriver()))
                .map(n -> Optional.ofNullable(n.getOptions())
                        .map(o -> o.get("com.docker.network.bridge.name"))
                        .filter(name -> !name.isBlank())
                        .orElse("br-" + n.getId().substring(0, 12)));
    }

    @Override
    public String version() {
        Version v =
                call("read the Docker engine version", () -> client.versionCmd().exec());
        return v.getVersion() + " (API " + v.getApiVersion() + ")";
    }

    @Override
    public Optional<ContainerInfo> inspectContainer(String nameOrId) {
        return findOrEmpty(
                "inspect container " + nameOrId,
                () -> DockerJavaModels.toContainerInfo(
                        client.inspectContainerCmd(nameOrId).exec()));
    }

    @Override
    public Optional<ImageInfo> inspectImage(String idOrReference) {
        return findOrEmpty(
                "inspect image " + idOrReference,
                () -> DockerJavaModels.toImageInfo(
                        client.inspectImageCmd(idOrReference).exec()));
    }

    /** A lookup where "not found" is an answer, not a failure. */
    private <T> Optional<T> findOrEmpty(String what, java.util.function.Supplier<T> lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    @Override
    public void pull(String repository, String tagOrDigest, RegistryAuth auth, Duration timeout) {
        String what = "pull " + repository + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest;
        try {
            // Always set: otherwise docker-java falls back to ~/.docker/config.json, and a pull would silently
            // use credentials the agent's config does not have (the registry poll would not).
            PullImageCmd cmd =
                    client.pullImageCmd(repository).withTag(tagOrDigest).withAuthConfig(authFor(auth));
            boolean done =
                    cmd.exec(new PullImageResultCallback()).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new DockerGatewayException(
                        "could not " + what + ": not finished within " + timeout.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerGatewayException("could not " + what + ": interrupted", e);
        } catch (DockerGatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    private static AuthConfig authFor(RegistryAuth auth) {
        if (!auth.hasCredentials()) {
            return new AuthConfig().withRegistryAddress(auth.serverAddress()); // anonymous: no username, no password
        }
        return new AuthConfig()
                .withRegistryAddress(auth.serverAddress())
                .withUsername(auth.username().orElseThrow())
                .withPassword(auth.password().orElseThrow());
    }

    @Override
    public String create(ContainerSpec spec) {
        return call("create container " + spec.name(), () -> {
            HostConfig host = HostConfig.newHostConfig()
                    .withRestartPolicy(RestartPolicy.parse(spec.restartPolicy()))
                    .withPortBindings(DockerJavaModels.portBindings(spec.ports()))
                    .withBinds(
                            spec.volumes().stream().map(DockerJavaModels::bind).toList());
            spec.network().ifPresent(host::withNetworkMode);
            CreateContainerCmd cmd = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withEnv(spec.env().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList())
                    .withExposedPorts(spec.ports().stream()
                            .map(DockerJavaModels::exposedPort)
                            .toList())
                    .withLabels(spec.labels())
                    .withStopTimeout((int) spec.stopTimeout().toSeconds())
                    .withHostConfig(host);
            if (spec.network().isPresent() && !spec.networkAliases().isEmpty()) {
                cmd.withAliases(spec.networkAliases());
            }
            spec.command().ifPresent(cmd::withCmd);
            return cmd.exec().getId();
        });
    }

    @Override
    public void connectNetwork(String containerId, String network, List<String> aliases) {
        call(
                "connect container " + shortId(containerId) + " to network " + network,
                () -> client.connectToNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(List.copyOf(aliases)))
                        .exec());
    }

    @Override
    public void disconnectNetwork(String containerId, String network) {
        call(
                "disconnect container " + shortId(containerId) + " from network " + network,
                () -> client.disconnectFromNetworkCmd()
                        .withContainerId(containerId)
                        .withNetworkId(network)
                        .exec());
    }

    @Override
    public void rename(String containerId, String newName) {
        call(
                "rename container " + shortId(containerId) + " to " + newName,
                () -> client.renameContainerCmd(containerId).withName(newName).exec());
    }

    @Override
    public void start(String containerId) {
        try {
            client.startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // Idempotent: a rollback may start a container that is already up.
        } catch (RuntimeException e) {
            throw failure("start container " + shortId(containerId), e);
        }
    }

    @Override
    public void restart(String containerId, Duration timeout) {
        try {
            client.restartContainerCmd(containerId)
                    .withTimeout((int) Math.max(0, timeout.toSeconds()))
                    .exec();
        } catch (RuntimeException e) {
            throw failure("restart container " + shortId(containerId), e);
        }
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        try {
            client.stopContainerCmd(containerId)
                    .withTimeout((int) Math.max(0, timeout.toSeconds()))
                    .exec();
        } catch (NotModifiedException alreadyStopped) {
            // Idempotent.
        } catch (RuntimeException e) {
            throw failure("stop container " + shortId(containerId), e);
        }
    }

    @Override
    public void remove(String containerId) {
        try {
            // removeVolumes=false: named volumes hold data (a Postgres cluster) and must survive every redeploy.
            client.removeContainerCmd(containerId)
                    .withForce(true)
                    .withRemoveVolumes(false)
                    .exec();
        } catch (NotFoundException alreadyGone) {
            // Idempotent.
        } catch (RuntimeException e) {
            throw failure("remove container " + shortId(containerId), e);
        }
    }

    @Override
    public List<ContainerInfo> listByLabel(String key, String value) {
        var containers = call(
                "list containers labelled " + key + "=" + value,
                () -> client.listContainersCmd()
                        .withShowAll(true)
                        .withLabelFilter(Map.of(key, value))
                        .exec());
        List<ContainerInfo> result = new ArrayList<>();
        for (var c : containers) {
            inspectContainer(c.getId()).ifPresent(result::add); // a container removed meanwhile is skipped
        }
        return result;
    }

    @Override
    public String logsTail(String containerId, int lines) {
        StringBuilder out = new StringBuilder();
        try {
            client.logContainerCmd(containerId)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(LOGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Logs are a courtesy in a failure reason; their absence must not hide the real failure.
        }
        return out.toString().strip();
    }

    @Override
    public List<ImageInfo> listImages(String repository) {
        List<Image> images = call("list images", () -> client.listImagesCmd().exec());
        List<ImageInfo> result = new ArrayList<>();
        for (Image image : images) {
            if (belongsTo(image.getRepoTags(), repository, ':') || belongsTo(image.getRepoDigests(), repository, '@')) {
                inspectImage(image.getId()).ifPresent(result::add);
            }
        }
        return result;
    }

    @Override
    public boolean removeImage(String reference) {
        try {
            client.removeImageCmd(reference).withForce(false).exec();
            return true;
        } catch (ConflictException | NotFoundException inUseOrGone) {
            return false;
        } catch (RuntimeException e) {
            throw failure("remove image " + reference, e);
        }
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout, java.io.OutputStream stdout) {
        String what = "exec in container " + shortId(containerId);
        String execId = call(
                what,
                () -> client.execCreateCmd(containerId)
                        .withCmd(command.toArray(String[]::new))
                        .withAttachStdout(true)
                        .withAttachStderr(true)
                        .exec()
                        .getId());
        StringBuilder stderr = new StringBuilder();
        java.util.concurrent.atomic.AtomicReference<IOException> writeFailure =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            ResultCallback.Adapter<Frame> streaming = client.execStartCmd(execId)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            if (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR) {
                                stderr.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                                if (stderr.length() > EXEC_STDERR_KEPT)
                                    stderr.delete(0, stderr.length() - EXEC_STDERR_KEPT);
                                return;
                            }
                            try {
                                if (writeFailure.get() == null) stdout.write(frame.getPayload());
                            } catch (IOException e) {
                                writeFailure.set(e);
                            }
                        }
                    });
            boolean done = streaming.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                // The Engine API cannot kill an exec'd process; it runs on inside the container. Stop reading it.
                closeQuietly(streaming);
                throw new DockerGatewayException(
                        "could not " + what + ": not finished within " + timeout.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerGatewayException("could not " + what + ": interrupted", e);
        } catch (DockerGatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
        if (writeFailure.get() != null) {
            throw new DockerGatewayException(
                    "could not " + what + ": writing its output failed: "
                            + writeFailure.get().getMessage(),
                    writeFailure.get());
        }
        Long exit = call(what, () -> client.inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(
                exit == null ? -1 : exit.intValue(), stderr.toString().strip());
    }

    @Override
    public Closeable containerEvents(String labelKey, String labelValue, Consumer<ContainerEvent> listener) {
        return client.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withLabelFilter(Map.of(labelKey, labelValue))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        Map<String, String> attributes =
                                event.getActor() == null || event.getActor().getAttributes() == null
                                        ? Map.of()
                                        : event.getActor().getAttributes();
                        Map<String, String> labels = new LinkedHashMap<>(attributes);
                        labels.remove("name");
                        labels.remove("image");
                        listener.accept(new ContainerEvent(
                                event.getId(), attributes.getOrDefault("name", ""), event.getAction(), labels));
                    }
                });
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing at shutdown: nothing useful to do with the failure.
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Giving up on the stream anyway.
        }
    }

    private static boolean belongsTo(String[] references, String repository, char separator) {
        return references != null && Arrays.stream(references).anyMatch(r -> r.startsWith(repository + separator));
    }

    private static String shortId(String id) {
        return id.length() == 64 ? id.substring(0, 12) : id;
    }

    private static <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    private static void call(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    static DockerGatewayException failure(String what, RuntimeException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof DockerException de && de.getHttpStatus() > 0) {
            detail = engineMessage(detail) + " (HTTP " + de.getHttpStatus() + ")";
        }
        String message = "could not " + what + ": " + detail.strip();
        return engineUnreachable(e)
                ? new DockerUnreachableException(message, e)
                : new DockerGatewayException(message, e);
    }

    /**
     * No answer from the engine: an I/O failure (socket missing or refused, connection reset or closed mid-call, as
     * when the daemon stops) rather than an error status the engine sent.
     */
    static boolean engineUnreachable(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof DockerException de && de.getHttpStatus() > 0) {
                return false;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** docker-java wraps the engine's JSON error as {"message":"..."}; keep only the sentence. */
    private static String engineMessage(String detail) {
        var m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(detail);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : detail;
    }
}
