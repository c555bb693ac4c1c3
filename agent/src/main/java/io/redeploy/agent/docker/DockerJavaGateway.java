package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final DockerClient client;
    private final DockerContainers containers;
    private final DockerEvents events;
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
        this.containers = new DockerContainers(client);
        this.events = new DockerEvents(client);
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
        return containers.inspectContainer(nameOrId);
    }

    @Override
    public String create(ContainerSpec spec) {
        return containers.create(spec);
    }

    @Override
    public void rename(String containerId, String newName) {
        containers.rename(containerId, newName);
    }

    @Override
    public void start(String containerId) {
        containers.start(containerId);
    }

    @Override
    public void restart(String containerId, Duration timeout) {
        containers.restart(containerId, timeout);
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        containers.stop(containerId, timeout);
    }

    @Override
    public void remove(String containerId) {
        containers.remove(containerId);
    }

    @Override
    public List<ContainerInfo> listByLabel(String key, String value) {
        return containers.listByLabel(key, value);
    }

    @Override
    public String logsTail(String containerId, int lines) {
        return containers.logsTail(containerId, lines);
    }

    @Override
    public Closeable containerEvents(String labelKey, String labelValue, Consumer<ContainerEvent> listener) {
        return events.containerEvents(labelKey, labelValue, listener);
    }

    /** See {@link DockerEvents#containerEventsNamed}. */
    public Closeable containerEventsNamed(Collection<String> names, Consumer<ContainerEvent> listener, Runnable ended) {
        return events.containerEventsNamed(names, listener, ended);
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
        images.tag(imageId, repository, tag);
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
