package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.call;
import static io.redeploy.agent.docker.DockerCalls.failure;
import static io.redeploy.agent.docker.DockerCalls.findOrEmpty;
import static io.redeploy.agent.docker.DockerCalls.shortId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
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

    private final DockerClient client;
    private final DockerImages images;
    private final DockerExec execs;
    private final DockerNetworks networks;

    private final ContainerCopy copies;
    private final ContainerSettingsReader settings;

    private DockerJavaGateway(DockerClient client, DockerHttpClient http) {
        this.client = client;
        EngineHttp engine = new EngineHttp(
                http, new com.fasterxml.jackson.databind.ObjectMapper(), DockerUnreachableException::new);
        this.copies = new ContainerCopy(engine);
        this.settings = new ContainerSettingsReader(engine);
        this.images = new DockerImages(client);
        this.execs = new DockerExec(client);
        this.networks = new DockerNetworks(client);
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
        return new DockerJavaGateway(DockerClientImpl.getInstance(config, http), http);
    }

    @Override
    public void ping() {
        call("ping the Docker engine", () -> client.pingCmd().exec());
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
    public Optional<ImageInfo> inspectImage(String idOrReference) {
        return images.inspectImage(idOrReference);
    }

    @Override
    public void pull(String repository, String tagOrDigest, RegistryAuth auth, Duration timeout) {
        images.pull(repository, tagOrDigest, auth, timeout);
    }

    @Override
    public List<ImageInfo> listImages(String repository) {
        return images.listImages(repository);
    }

    @Override
    public boolean removeImage(String reference) {
        return images.removeImage(reference);
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout, java.io.OutputStream stdout) {
        return execs.exec(containerId, command, timeout, stdout);
    }

    @Override
    public void ensureNetwork(String name) {
        networks.ensureNetwork(name);
    }

    @Override
    public Optional<String> bridgeDevice(String network) {
        return networks.bridgeDevice(network);
    }

    @Override
    public void connectNetwork(String containerId, String network, List<String> aliases) {
        networks.connectNetwork(containerId, network, aliases);
    }

    @Override
    public void disconnectNetwork(String containerId, String network) {
        networks.disconnectNetwork(containerId, network);
    }

    @Override
    public String copy(String sourceId, String name, String image, Map<String, String> labels, boolean withAliases) {
        return copies.create(sourceId, name, image, labels, withAliases);
    }

    @Override
    public Optional<ContainerSettings> settings(String nameOrId) {
        return settings.read(nameOrId);
    }

    @Override
    public void tag(String imageId, String repository, String tag) {
        call(
                "tag image " + shortId(imageId) + " as " + repository + ":" + tag,
                () -> client.tagImageCmd(imageId, repository, tag).withForce().exec());
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // Closing at shutdown: nothing useful to do with the failure.
        }
    }
}
