package io.redeploy.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates a container from another one's own configuration, changing only the image and adding the agent's labels:
 * how a container started by someone else (docker compose, docker run) is recreated on a new build without a second
 * description of it. The engine's inspect answer is copied as JSON ({@code Config}, {@code HostConfig}, the
 * networks with their aliases), so settings the agent has never heard of are kept too.
 *
 * <p>What the old image put into the old container's configuration (its ENV, CMD, ENTRYPOINT, ...) is left to the
 * new image ({@link ImageDefaults}): the new build's defaults apply, the user's settings stay.
 *
 * <p>Left out on purpose, because they belong to the old container: a hostname that is its id (Docker's default),
 * its own id among the network aliases, and its addresses. Its anonymous volumes are mounted again at the same
 * destinations, as {@code docker compose up} does when it recreates a container: their data carries over.
 */
final class ContainerCopy {
    private static final Pattern ANONYMOUS_VOLUME = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> WITHOUT_ENDPOINT_SETTINGS = Set.of("bridge", "host", "none", "default");

    private final EngineHttp engine;

    ContainerCopy(EngineHttp engine) {
        this.engine = engine;
    }

    /**
     * @param withAliases false to create it without its network aliases (a start-first switch adds them once healthy)
     * @return the new container's id
     */
    String create(String sourceId, String name, String image, Map<String, String> labels, boolean withAliases) {
        String inspect = "inspect container " + sourceId;
        JsonNode source = engine.get("/containers/" + EngineHttp.encode(sourceId) + "/json", inspect)
                .orThrow(inspect);
        String oldId = source.path("Id").asText();
        ObjectNode body = ((ObjectNode) source.path("Config")).deepCopy();
        if (body.path("Hostname").asText().equals(oldId.substring(0, Math.min(12, oldId.length())))) {
            body.remove("Hostname");
        }
        oldImageConfig(source).ifPresent(defaults -> ImageDefaults.strip(body, defaults));
        body.put("Image", image);
        ObjectNode allLabels = body.with("Labels");
        labels.forEach(allLabels::put);
        ObjectNode hostConfig = ((ObjectNode) source.path("HostConfig")).deepCopy();
        keepAnonymousVolumes(source, hostConfig);
        body.set("HostConfig", hostConfig);
        Map.Entry<String, JsonNode> first = null;
        Iterator<Map.Entry<String, JsonNode>> networks =
                source.path("NetworkSettings").path("Networks").fields();
        ObjectNode endpoints = JsonNodeFactory.instance.objectNode();
        while (networks.hasNext()) {
            Map.Entry<String, JsonNode> network = networks.next();
            if (first == null) {
                first = network;
                endpoints.set(network.getKey(), endpoint(network, oldId, withAliases));
            }
        }
        if (first != null) {
            body.putObject("NetworkingConfig").set("EndpointsConfig", endpoints);
        }
        String what = "create container " + name + " from "
                + source.path("Name").asText().replaceFirst("^/", "");
        JsonNode created = engine.post("/containers/create?name=" + EngineHttp.encode(name), body, Map.of(), what)
                .orThrow(what);
        String id = created.path("Id").asText();
        // The create call takes one network: the others are connected before the start, as compose does.
        Iterator<Map.Entry<String, JsonNode>> rest =
                source.path("NetworkSettings").path("Networks").fields();
        while (rest.hasNext()) {
            Map.Entry<String, JsonNode> network = rest.next();
            if (first != null && !network.getKey().equals(first.getKey())) {
                ObjectNode connect = JsonNodeFactory.instance.objectNode().put("Container", id);
                connect.set("EndpointConfig", endpoint(network, oldId, withAliases));
                String connecting = "connect " + name + " to " + network.getKey();
                engine.post(
                                "/networks/" + EngineHttp.encode(network.getKey()) + "/connect",
                                connect,
                                Map.of(),
                                connecting)
                        .orThrow(connecting);
            }
        }
        return id;
    }

    /** The endpoint settings a user gave (aliases, fixed addresses, links), not the ones Docker assigned. */
    private static JsonNode endpoint(Map.Entry<String, JsonNode> network, String oldId, boolean withAliases) {
        ObjectNode endpoint = JsonNodeFactory.instance.objectNode();
        if (WITHOUT_ENDPOINT_SETTINGS.contains(network.getKey())) {
            return endpoint;
        }
        JsonNode settings = network.getValue();
        if (withAliases) {
            ArrayNode aliases = endpoint.putArray("Aliases");
            settings.path("Aliases").forEach(alias -> {
                if (!oldId.startsWith(alias.asText())) { // Docker adds the container's own short id itself
                    aliases.add(alias.asText());
                }
            });
        }
        if (settings.hasNonNull("IPAMConfig")) {
            endpoint.set("IPAMConfig", settings.get("IPAMConfig"));
        }
        if (settings.hasNonNull("Links")) {
            endpoint.set("Links", settings.get("Links"));
        }
        return endpoint;
    }

    /** The old container's anonymous volumes (Docker-named, 64 hex) as binds at the same destinations. */
    private static void keepAnonymousVolumes(JsonNode source, ObjectNode hostConfig) {
        JsonNode given = hostConfig.get("Binds");
        Set<String> bound = new HashSet<>();
        ArrayNode binds =
                hostConfig.path("Binds").isArray() ? (ArrayNode) hostConfig.get("Binds") : hostConfig.putArray("Binds");
        binds.forEach(b -> bound.add(destination(b.asText())));
        source.path("HostConfig")
                .path("Mounts")
                .forEach(m -> bound.add(m.path("Target").asText()));
        for (JsonNode mount : source.path("Mounts")) {
            String volume = mount.path("Name").asText();
            String target = mount.path("Destination").asText();
            if ("volume".equals(mount.path("Type").asText())
                    && ANONYMOUS_VOLUME.matcher(volume).matches()
                    && !bound.contains(target)) {
                binds.add(volume + ":" + target + (mount.path("RW").asBoolean(true) ? "" : ":ro"));
            }
        }
        if (binds.isEmpty()) {
            // As the old container had it: [] (docker compose) or null (docker run).
            hostConfig.set("Binds", given == null ? JsonNodeFactory.instance.nullNode() : given);
        }
    }

    private static String destination(String bind) {
        String[] parts = bind.split(":");
        return parts.length >= 2 ? parts[1] : bind;
    }

    /**
     * The configuration of the image the old container was created from, whose defaults the copy leaves to the new
     * image; empty when that image is gone (the copy then keeps everything, the safe side).
     */
    private Optional<JsonNode> oldImageConfig(JsonNode source) {
        String imageId = source.path("Image").asText();
        if (imageId.isEmpty()) {
            return Optional.empty();
        }
        EngineHttp.Answer answer =
                engine.get("/images/" + EngineHttp.encode(imageId) + "/json", "inspect image " + imageId);
        return answer.ok() ? Optional.of(answer.body().path("Config")) : Optional.empty();
    }
}
