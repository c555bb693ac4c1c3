package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.ContainerEvent;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.docker.RegistryAuth;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Delegates everything; tests override one call to inject a one-off failure. */
public class ForwardingDocker implements DockerGateway {
    private final DockerGateway delegate;

    public ForwardingDocker(DockerGateway delegate) {
        this.delegate = delegate;
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public Optional<ContainerInfo> inspectContainer(String nameOrId) {
        return delegate.inspectContainer(nameOrId);
    }

    @Override
    public Optional<ImageInfo> inspectImage(String ref) {
        return delegate.inspectImage(ref);
    }

    @Override
    public String copy(
            String sourceId, String name, String image, java.util.Map<String, String> labels, boolean withAliases) {
        return delegate.copy(sourceId, name, image, labels, withAliases);
    }

    @Override
    public void tag(String imageId, String repository, String tag) {
        delegate.tag(imageId, repository, tag);
    }

    @Override
    public void pull(String repository, String tagOrDigest, RegistryAuth registry, Duration timeout) {
        delegate.pull(repository, tagOrDigest, registry, timeout);
    }

    @Override
    public void ensureNetwork(String name) {
        delegate.ensureNetwork(name);
    }

    @Override
    public String create(ContainerSpec spec) {
        return delegate.create(spec);
    }

    @Override
    public void connectNetwork(String containerId, String network, List<String> aliases) {
        delegate.connectNetwork(containerId, network, aliases);
    }

    @Override
    public void disconnectNetwork(String containerId, String network) {
        delegate.disconnectNetwork(containerId, network);
    }

    @Override
    public void rename(String containerId, String newName) {
        delegate.rename(containerId, newName);
    }

    @Override
    public void start(String containerId) {
        delegate.start(containerId);
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        delegate.stop(containerId, timeout);
    }

    @Override
    public void remove(String containerId) {
        delegate.remove(containerId);
    }

    @Override
    public List<ContainerInfo> listByLabel(String key, String value) {
        return delegate.listByLabel(key, value);
    }

    @Override
    public String logsTail(String containerId, int lines) {
        return delegate.logsTail(containerId, lines);
    }

    @Override
    public List<ImageInfo> listImages(String repository) {
        return delegate.listImages(repository);
    }

    @Override
    public boolean removeImage(String reference) {
        return delegate.removeImage(reference);
    }

    @Override
    public Closeable containerEvents(String key, String value, Consumer<ContainerEvent> listener) {
        return delegate.containerEvents(key, value, listener);
    }
}
