package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerEvent;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSettings;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.docker.RegistryAuth;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** An in-memory engine: containers, images, injected failures and how each image behaves once started. */
public final class FakeDocker implements DockerGateway {

    enum Behaviour {
        /** Runs; healthy when its image has a HEALTHCHECK. */
        HEALTHY,
        /** Runs; its HEALTHCHECK reports unhealthy. */
        UNHEALTHY,
        /** Runs; its HEALTHCHECK never leaves "starting". */
        NEVER_READY,
        /** Runs until first inspected, then has exited with code 1. */
        CRASH
    }

    private record Image(ImageInfo info, Behaviour behaviour) {}

    private static final class Container {
        final String id;
        String name;
        final String image;
        final String imageId;
        final Map<String, String> labels;
        final ContainerSpec spec;
        String status = "created";
        int exitCode;
        Optional<String> health = Optional.empty();
        Behaviour behaviour = Behaviour.HEALTHY;
        boolean crashOnNextInspect;
        final Map<String, String> volumes = new LinkedHashMap<>();
        /** Container TCP port to host port while running; an ephemeral host port is given anew at every start. */
        final Map<Integer, Integer> published = new LinkedHashMap<>();
        /** Network name to the aliases the container has there; empty: Docker's default bridge. */
        final Map<String, List<String>> endpoints = new LinkedHashMap<>();

        ContainerSettings settings;

        Container(
                String id, String name, String image, String imageId, Map<String, String> labels, ContainerSpec spec) {
            this.id = id;
            this.name = name;
            this.image = image;
            this.imageId = imageId;
            this.labels = labels;
            this.spec = spec;
        }

        boolean noAddress;

        ContainerInfo info() {
            return new ContainerInfo(
                    id,
                    name,
                    image,
                    imageId,
                    labels,
                    status,
                    exitCode,
                    0,
                    health,
                    status.equals("running") ? ipAddresses() : Map.of(),
                    status.equals("running") ? published : Map.of(),
                    volumes,
                    Map.of(),
                    "");
        }

        private Map<String, String> ipAddresses() {
            if (noAddress) return Map.of();
            if (endpoints.isEmpty()) return Map.of("bridge", "172.17.0.99");
            Map<String, String> ips = new LinkedHashMap<>();
            endpoints.keySet().forEach(n -> ips.put(n, "10.9.0." + (Math.abs(id.hashCode()) % 250 + 1)));
            return ips;
        }
    }

    private final Map<String, Image> pending = new LinkedHashMap<>(); // in the registry, by reference
    private final Map<String, Image> images = new LinkedHashMap<>(); // local, by reference and by id
    private final Map<String, Container> containers = new LinkedHashMap<>(); // by id
    private final Set<String> failing = new HashSet<>();
    /** The daemon is stopped: every call fails as with no socket to talk to. */
    private boolean engineGone;

    private String goneAt = "";
    private String goneAfter = "";
    final List<String> operations = new ArrayList<>();
    private int nextId = 1;
    private int nextEphemeralPort = 49153;
    /** An engine that drops port bindings: started containers publish nothing. */
    boolean publishNothing;
    /** Containers started from a spec have no network address (with {@link #publishNothing}: nothing to dial). */
    boolean addressNothing;

    /** Makes every later call of {@code operation} (pull, create, start, stop, rename, remove) fail. */
    void failOn(String operation) {
        failing.add(operation);
    }

    void heal(String operation) {
        failing.remove(operation);
    }

    /** The daemon goes away as {@code operation} (pull, rename, stop, create, start, remove) is called: it fails, and so does every later call. */
    void engineGoneAt(String operation) {
        goneAt = operation;
    }

    /** The daemon goes away right after {@code operation} (start, rename, stop) succeeded, e.g. "start": during the health wait. */
    void engineGoneAfter(String operation) {
        goneAfter = operation;
    }

    /**
     * The daemon is back, as after a restart with restart policy {@code unless-stopped}: what was running when it went
     * away runs again, what had been stopped (by the agent) stays stopped. Containers are kept as they were.
     */
    void engineBack() {
        engineGone = false;
        goneAt = "";
        goneAfter = "";
    }

    private void requireEngine(String operation) {
        if (engineGone) {
            throw new DockerUnreachableException(
                    "could not " + operation + ": java.net.SocketException: Connection refused");
        }
    }

    private void done(String operation) {
        if (operation.equals(goneAfter)) {
            engineGone = true;
        }
    }

    /** An image known to the "registry": pullable as {@code repository@digest}. */
    void registryHas(String repository, String digest, boolean hasHealthcheck, Behaviour behaviour) {
        String id = "sha256:" + String.format("%064x", 1000L + pending.size());
        ImageInfo info = new ImageInfo(id, List.of(), List.of(repository + "@" + digest), hasHealthcheck);
        Image image = new Image(info, behaviour);
        pending.put(repository + "@" + digest, image);
    }

    /** A container that already exists (a previous deploy, or one started by someone else). */
    String existing(String name, String repository, String digest, Map<String, String> labels, boolean running) {
        String ref = repository + "@" + digest;
        Image image = pending.get(ref);
        if (image == null) {
            registryHas(repository, digest, false, Behaviour.HEALTHY);
            image = pending.get(ref);
        }
        images.put(ref, image);
        images.put(image.info().id(), image);
        String id = newId();
        Container c = new Container(id, name, ref, image.info().id(), Map.copyOf(labels), null);
        c.status = running ? "running" : "exited";
        containers.put(id, c);
        return id;
    }

    /** A container the agent created in an earlier run (labels included). */
    String existingManaged(String name, String service, String repository, String digest, String status) {
        String id = existing(
                name,
                repository,
                digest,
                Map.of(AgentLabels.MANAGED, "true", AgentLabels.SERVICE, service, AgentLabels.DIGEST, digest),
                true);
        containers.get(id).status = status;
        Image image = images.get(repository + "@" + digest);
        applyBehaviour(containers.get(id), image);
        containers.get(id).status = status;
        return id;
    }

    /** Publishes a container port of an existing container (as docker compose or an earlier run did). */
    void publish(String containerId, int containerPort, int hostPort) {
        containers.get(containerId).published.put(containerPort, hostPort);
    }

    /** Gives a container a volume mount, e.g. the anonymous one Docker creates for an image's VOLUME. */
    void mountVolume(String containerId, String destination, String volumeName) {
        containers.get(containerId).volumes.put(destination, volumeName);
    }

    /** What a container was configured with, as the engine would tell it; unknown (empty) unless given here. */
    void configured(String containerId, ContainerSettings settings) {
        containers.get(containerId).settings = settings;
    }

    @Override
    public Optional<ContainerSettings> settings(String nameOrId) {
        return containers.values().stream()
                .filter(c -> c.id.equals(nameOrId) || c.name.equals(nameOrId))
                .findFirst()
                .flatMap(c -> Optional.ofNullable(c.settings != null ? c.settings : defaultSettings));
    }

    Optional<ContainerInfo> byName(String name) {
        return containers.values().stream()
                .filter(c -> c.name.equals(name))
                .findFirst()
                .map(Container::info);
    }

    List<ContainerInfo> all() {
        return containers.values().stream().map(Container::info).toList();
    }

    Optional<ContainerSpec> specOf(String name) {
        return containers.values().stream()
                .filter(c -> c.name.equals(name))
                .findFirst()
                .map(c -> c.spec);
    }

    /** The aliases of the named container on {@code network}; empty when it is not connected there. */
    Optional<List<String>> aliasesOf(String name, String network) {
        return containers.values().stream()
                .filter(c -> c.name.equals(name))
                .findFirst()
                .flatMap(c -> Optional.ofNullable(c.endpoints.get(network)));
    }

    boolean hasImage(String idOrRef) {
        return images.containsKey(idOrRef);
    }

    private String newId() {
        return String.format("%064x", nextId++);
    }

    private void maybeFail(String operation) {
        operations.add(operation);
        if (operation.equals(goneAt)) {
            engineGone = true;
        }
        requireEngine(operation);
        if (failing.contains(operation)) {
            throw new DockerGatewayException("could not " + operation + ": injected failure");
        }
    }

    private Container container(String nameOrId) {
        Container byId = containers.get(nameOrId);
        if (byId != null) return byId;
        return containers.values().stream()
                .filter(c -> c.name.equals(nameOrId))
                .findFirst()
                .orElseThrow(() -> new DockerGatewayException("No such container: " + nameOrId));
    }

    private void applyBehaviour(Container c, Image image) {
        c.behaviour = image.behaviour();
        if (image.info().hasHealthcheck()) {
            c.health = Optional.of(
                    switch (image.behaviour()) {
                        case HEALTHY -> "healthy";
                        case UNHEALTHY -> "unhealthy";
                        case NEVER_READY, CRASH -> "starting";
                    });
        }
        c.crashOnNextInspect = image.behaviour() == Behaviour.CRASH;
    }

    @Override
    public void ping() {
        requireEngine("ping");
    }

    final java.util.Set<String> networks = new java.util.LinkedHashSet<>();

    @Override
    public void ensureNetwork(String name) {
        networks.add(name);
    }

    @Override
    public String version() {
        return "fake (API 1.41)";
    }

    @Override
    public Optional<ContainerInfo> inspectContainer(String nameOrId) {
        requireEngine("inspect container " + nameOrId);
        Container c = containers.get(nameOrId);
        if (c == null) {
            c = containers.values().stream()
                    .filter(x -> x.name.equals(nameOrId))
                    .findFirst()
                    .orElse(null);
        }
        if (c == null) return Optional.empty();
        if (c.crashOnNextInspect && c.status.equals("running")) {
            ContainerInfo before = c.info();
            c.status = "exited";
            c.exitCode = 1;
            c.crashOnNextInspect = false;
            return Optional.of(before);
        }
        return Optional.of(c.info());
    }

    @Override
    public Optional<ImageInfo> inspectImage(String idOrReference) {
        requireEngine("inspect image " + idOrReference);
        return Optional.ofNullable(images.get(idOrReference)).map(Image::info);
    }

    @Override
    public void pull(String repository, String tagOrDigest, RegistryAuth registry, Duration timeout) {
        maybeFail("pull");
        String ref = repository + "@" + tagOrDigest;
        Image image = pending.get(ref);
        if (image == null) {
            throw new DockerGatewayException("could not pull " + ref + ": manifest unknown");
        }
        images.put(ref, image);
        images.put(image.info().id(), image);
    }

    @Override
    public String create(ContainerSpec spec) {
        maybeFail("create");
        if (containers.values().stream().anyMatch(c -> c.name.equals(spec.name()))) {
            throw new DockerGatewayException("could not create container " + spec.name() + ": name already in use");
        }
        Image image = images.get(spec.image());
        if (image == null) {
            throw new DockerGatewayException(
                    "could not create container " + spec.name() + ": No such image " + spec.image());
        }
        String id = newId();
        Container c = new Container(id, spec.name(), spec.image(), image.info().id(), spec.labels(), spec);
        spec.network().ifPresent(n -> c.endpoints.put(n, List.copyOf(spec.networkAliases())));
        spec.volumes().stream()
                .filter(v -> !v.source().startsWith("/"))
                .forEach(v -> c.volumes.put(v.target(), v.source()));
        containers.put(id, c);
        return id;
    }

    /** Like Docker, the copy has the source's settings and labels, with the new image and the labels added. */
    @Override
    public String copy(String sourceId, String name, String image, Map<String, String> labels, boolean withAliases) {
        maybeFail("create");
        Container source = container(sourceId);
        Map<String, String> all = new LinkedHashMap<>(source.labels);
        all.putAll(labels);
        ContainerSpec spec = source.spec != null
                ? new ContainerSpec(
                        name,
                        image,
                        source.spec.env(),
                        source.spec.ports(),
                        source.spec.volumes(),
                        source.spec.network(),
                        source.spec.networkAliases(),
                        all,
                        source.spec.restartPolicy(),
                        source.spec.command(),
                        source.spec.stopTimeout())
                : new ContainerSpec(
                        name,
                        image,
                        Map.of(),
                        List.of(),
                        List.of(),
                        Optional.empty(),
                        List.of(),
                        all,
                        "no",
                        Optional.empty(),
                        java.time.Duration.ofSeconds(10));
        String id = create(spec);
        Container copy = container(id);
        source.endpoints.forEach((network, aliases) -> copy.endpoints.put(network, withAliases ? aliases : List.of()));
        copies.put(id, sourceId);
        return id;
    }

    /** Copies made: new id to the id of the container it copies. */
    final Map<String, String> copies = new LinkedHashMap<>();

    /** Local tags: {@code repo:tag} to the image id it names. */
    final Map<String, String> tags = new LinkedHashMap<>();

    @Override
    public void tag(String imageId, String repository, String tag) {
        maybeFail("tag");
        Image image = images.get(imageId);
        if (image == null) {
            throw new DockerGatewayException("could not tag " + imageId + ": No such image");
        }
        images.put(repository + ":" + tag, image);
        tags.put(repository + ":" + tag, imageId);
    }

    @Override
    public void connectNetwork(String containerId, String network, List<String> aliases) {
        maybeFail("connect");
        Container c = container(containerId);
        if (c.endpoints.containsKey(network)) {
            throw new DockerGatewayException("container " + c.name + " is already connected to " + network);
        }
        c.endpoints.put(network, List.copyOf(aliases));
    }

    @Override
    public void disconnectNetwork(String containerId, String network) {
        maybeFail("disconnect");
        Container c = container(containerId);
        if (c.endpoints.remove(network) == null) {
            throw new DockerGatewayException("container " + c.name + " is not connected to " + network);
        }
    }

    @Override
    public void rename(String containerId, String newName) {
        maybeFail("rename");
        if (containers.values().stream().anyMatch(c -> c.name.equals(newName))) {
            throw new DockerGatewayException("could not rename: name " + newName + " already in use");
        }
        container(containerId).name = newName;
        done("rename");
    }

    @Override
    public void start(String containerId) {
        maybeFail("start");
        Container c = container(containerId);
        if (c.status.equals("running")) return;
        c.status = "running";
        c.exitCode = 0;
        c.noAddress = c.spec != null && addressNothing;
        if (c.spec != null && !publishNothing) {
            c.published.clear();
            c.spec.ports()
                    .forEach(p ->
                            c.published.put(p.containerPort(), p.hostPort() > 0 ? p.hostPort() : nextEphemeralPort++));
        }
        Image image = images.get(c.imageId);
        if (image != null && c.spec != null) {
            applyBehaviour(c, image);
        }
        done("start");
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        maybeFail("stop");
        Container c = container(containerId);
        if (c.status.equals("running")) {
            c.status = "exited";
            c.exitCode = 0;
        }
        done("stop");
    }

    @Override
    public void remove(String containerId) {
        maybeFail("remove");
        containers.remove(containerId);
    }

    @Override
    public List<ContainerInfo> listByLabel(String key, String value) {
        requireEngine("list containers");
        return containers.values().stream()
                .filter(c -> value.equals(c.labels.get(key)))
                .map(Container::info)
                .toList();
    }

    /** What every container prints last; a test of what reasons may show sets its own. */
    String logTail = "crashing\nbye";

    /** The settings of a container nobody described with {@link #configured}: unknown unless set. */
    ContainerSettings defaultSettings;

    @Override
    public String logsTail(String containerId, int lines) {
        return engineGone ? "" : logTail;
    }

    @Override
    public List<ImageInfo> listImages(String repository) {
        return images.values().stream()
                .map(Image::info)
                .distinct()
                .filter(i -> i.repoDigests().stream().anyMatch(d -> d.startsWith(repository + "@")))
                .toList();
    }

    @Override
    public boolean removeImage(String reference) {
        operations.add("removeImage");
        Image image = images.get(reference);
        if (image == null
                || containers.values().stream()
                        .anyMatch(c -> c.imageId.equals(image.info().id()))) {
            return false;
        }
        images.remove(reference);
        if (images.entrySet().stream()
                .noneMatch(e ->
                        e.getValue() == image && !e.getKey().equals(image.info().id()))) {
            images.remove(image.info().id());
        }
        return true;
    }

    @Override
    public Closeable containerEvents(String labelKey, String labelValue, Consumer<ContainerEvent> listener) {
        return () -> {};
    }
}
