package io.redeploy.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes out of a container's inspected {@code Config} what it only has because its image said so: Docker merges the
 * image's ENV, CMD, ENTRYPOINT, WORKDIR, USER, HEALTHCHECK, EXPOSE, VOLUME, STOPSIGNAL and LABELs into the container at
 * create time, so a copy that kept them would pin the old build's defaults onto the new one (a new ENTRYPOINT or ENV
 * of the new build would be ignored). What is left is what the user (docker compose, {@code docker run}) set; the new
 * image supplies the rest, as {@code docker compose up} does when it recreates a container.
 */
final class ImageDefaults {
    private static final List<String> WHOLE_VALUES =
            List.of("Cmd", "Entrypoint", "WorkingDir", "User", "Healthcheck", "StopSignal");

    private ImageDefaults() {}

    /** Removes from {@code containerConfig} every value equal to the one {@code imageConfig} gave it. */
    static void strip(ObjectNode containerConfig, JsonNode imageConfig) {
        for (String field : WHOLE_VALUES) {
            JsonNode own = containerConfig.get(field);
            if (own != null && !own.isNull() && own.equals(imageConfig.get(field))) {
                containerConfig.remove(field);
            }
        }
        stripEnv(containerConfig, imageConfig.path("Env"));
        stripEntries(containerConfig.get("ExposedPorts"), imageConfig.path("ExposedPorts"));
        stripEntries(containerConfig.get("Volumes"), imageConfig.path("Volumes"));
        stripEntries(containerConfig.get("Labels"), imageConfig.path("Labels"));
    }

    /** {@code NAME=value} entries the image set to that same value. */
    private static void stripEnv(ObjectNode containerConfig, JsonNode imageEnv) {
        if (!(containerConfig.get("Env") instanceof ArrayNode env)) {
            return;
        }
        Set<String> fromImage = new HashSet<>();
        imageEnv.forEach(e -> fromImage.add(e.asText()));
        for (Iterator<JsonNode> it = env.elements(); it.hasNext(); ) {
            if (fromImage.contains(it.next().asText())) {
                it.remove();
            }
        }
    }

    /** Keys of an object (ports, volumes, labels) whose value is the image's own. */
    private static void stripEntries(JsonNode own, JsonNode fromImage) {
        if (!(own instanceof ObjectNode object) || !fromImage.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().equals(fromImage.get(entry.getKey()))) {
                it.remove();
            }
        }
    }
}
