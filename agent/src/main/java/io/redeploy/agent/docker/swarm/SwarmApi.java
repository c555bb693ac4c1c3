package io.redeploy.agent.docker.swarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.redeploy.agent.docker.EngineHttp;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Swarm part of the Docker Engine API, as raw requests on docker-java's {@link DockerHttpClient}: docker-java's
 * own UpdateServiceCmd cannot send the {@code X-Registry-Auth} header that lets every node pull a private image.
 * Owns: reading services, tasks, nodes and the engine's swarm role, and submitting an image update on the service's
 * full existing spec. Paths are unversioned, so the engine answers at its own API version (never pinned).
 */
public final class SwarmApi implements SwarmControl, AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SwarmApi.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final EngineHttp engine;
    private final ObjectMapper json = new ObjectMapper();

    /** Over an existing transport (the agent's, or a test's). Closing this API closes it. */
    public SwarmApi(DockerHttpClient http) {
        this.engine = new EngineHttp(http, json, SwarmApiException::new);
    }

    /** Connects lazily to {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://...}). */
    public static SwarmApi connect(String dockerHost) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withApiVersion(RemoteApiVersion.UNKNOWN_VERSION)
                .build();
        return new SwarmApi(new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .maxConnections(4)
                .build());
    }

    /** The engine's swarm role, whatever it is. */
    public SwarmInfo info() {
        EngineHttp.Answer a = engine.get("/info", "read the engine's swarm state");
        if (!a.ok()) {
            throw new SwarmApiException("cannot read the engine's swarm state: " + a.error(), a.status());
        }
        return SwarmJson.info(a.body());
    }

    @Override
    public SwarmInfo requireManager() {
        SwarmInfo info = info();
        if (info.isManager()) {
            return info;
        }
        String state = info.localNodeState();
        String why = switch (state) {
            case "inactive" ->
                "is not part of a swarm (Swarm.LocalNodeState=inactive): run `docker swarm"
                        + " init` on it, or point the agent at a manager of an existing swarm";
            case "pending" ->
                "is still joining a swarm (Swarm.LocalNodeState=pending): wait, or check that"
                        + " it reaches a manager";
            case "locked" ->
                "is a manager of a locked swarm (Swarm.LocalNodeState=locked): unlock it with"
                        + " `docker swarm unlock`";
            case "active" ->
                "is a swarm worker (ControlAvailable=false): only managers can update"
                        + " services; point the agent at a manager node";
            default -> "is not a usable swarm manager (Swarm.LocalNodeState=" + state + ")";
        };
        throw new NotASwarmManagerException("the Docker engine " + why, 0);
    }

    /** The service by name or ID, or empty if there is none. */
    @Override
    public Optional<SwarmService> inspectService(String nameOrId) {
        EngineHttp.Answer a = engine.get("/services/" + encode(nameOrId), "inspect service " + nameOrId);
        if (a.status() == 404) {
            return Optional.empty();
        }
        requireOk(a, "inspect service " + nameOrId);
        return Optional.of(SwarmJson.service(a.body()));
    }

    /** Every task Swarm still keeps for the service (the current ones and a short history). */
    @Override
    public List<SwarmTask> tasks(String serviceId) {
        String filters = json.createObjectNode()
                .set("service", json.createArrayNode().add(serviceId))
                .toString();
        EngineHttp.Answer a = engine.get("/tasks?filters=" + encode(filters), "list the tasks of service " + serviceId);
        requireOk(a, "list the tasks of service " + serviceId);
        List<SwarmTask> tasks = new ArrayList<>();
        a.body().forEach(t -> tasks.add(SwarmJson.task(t)));
        return List.copyOf(tasks);
    }

    /** The swarm's nodes. */
    public List<SwarmNode> nodes() {
        EngineHttp.Answer a = engine.get("/nodes", "list the swarm's nodes");
        requireOk(a, "list the swarm's nodes");
        List<SwarmNode> nodes = new ArrayList<>();
        a.body().forEach(n -> nodes.add(SwarmJson.node(n)));
        return List.copyOf(nodes);
    }

    /** {@link #updateImage} with the service's own repository and tag, pinned to {@code digest}. */
    @Override
    public SwarmUpdateSubmitted updateDigest(
            SwarmService current, Digest digest, Optional<SwarmRegistryAuth> auth, SwarmUpdateConfig overrides) {
        return updateImage(
                current, ServiceImage.parse(current.image()).withDigest(digest).toString(), auth, overrides);
    }

    /**
     * Sends {@code current}'s full spec back with only the image and the present {@code overrides} changed, at
     * {@code current}'s version. With {@code auth}, the credentials go along in {@code X-Registry-Auth} for the nodes'
     * pulls; without, the engine keeps those of the current spec, if any.
     *
     * @throws SwarmVersionConflictException another writer changed the service since {@code current} was read
     * @throws SwarmServiceNotFoundException the service is gone
     */
    public SwarmUpdateSubmitted updateImage(
            SwarmService current, String image, Optional<SwarmRegistryAuth> auth, SwarmUpdateConfig overrides) {
        if (current.mode() == SwarmService.Mode.JOB) {
            throw new SwarmApiException(
                    "service " + current.name() + " is a job; the agent updates only replicated"
                            + " and global services",
                    0);
        }
        ObjectNode spec = current.spec();
        spec.withObject("/TaskTemplate/ContainerSpec").put("Image", image);
        SwarmJson.applyUpdateConfig(spec, overrides);
        String what = "update service " + current.name() + " to " + image;
        EngineHttp.Answer a = engine.post(
                "/services/" + encode(current.id()) + "/update?version=" + current.versionIndex(),
                spec,
                auth.map(x -> Map.of("X-Registry-Auth", x.headerValue())).orElse(Map.of()),
                what);
        if (!a.ok()) {
            if (a.status() == 409 || a.error().toLowerCase(Locale.ROOT).contains("out of sequence")) {
                throw new SwarmVersionConflictException(current.name(), current.versionIndex(), a.error(), a.status());
            }
            if (a.status() == 404) {
                throw new SwarmServiceNotFoundException(current.name(), a.error());
            }
            requireOk(a, what);
        }
        List<String> warnings = new ArrayList<>();
        a.body().path("Warnings").forEach(w -> warnings.add(w.asText()));
        Event.info(log, "swarm.update_submitted")
                .with("service", current.name())
                .with("from_version", current.versionIndex())
                .with("image", image)
                .with(
                        "registry_auth",
                        auth.map(x -> "forwarded:" + x.serverAddress()).orElse("none"))
                .with("overrides", overrides.summary())
                .with("warnings", warnings.size())
                .log();
        return new SwarmUpdateSubmitted(current.id(), current.name(), current.versionIndex(), image, warnings);
    }

    private static void requireOk(EngineHttp.Answer a, String what) {
        if (a.ok()) {
            return;
        }
        String lower = a.error().toLowerCase(Locale.ROOT);
        if (a.status() == 503 && (lower.contains("not a swarm manager") || lower.contains("unlock"))) {
            throw new NotASwarmManagerException(
                    "cannot " + what + ": the Docker engine is not a usable swarm manager: " + a.error(), a.status());
        }
        throw new SwarmApiException("cannot " + what + ": HTTP " + a.status() + ": " + a.error(), a.status());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            engine.close();
        } catch (IOException e) {
            Event.debug(log, "swarm.close_failed").with("error", e.toString()).log();
        }
    }
}
