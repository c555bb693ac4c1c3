package io.redeploy.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads {@link ContainerSettings} from the engine's inspect answers for a container and its image. */
final class ContainerSettingsReader {
    private static final Pattern ANONYMOUS_VOLUME = Pattern.compile("[0-9a-f]{64}");

    private final EngineHttp engine;

    ContainerSettingsReader(EngineHttp engine) {
        this.engine = engine;
    }

    Optional<ContainerSettings> read(String nameOrId) {
        EngineHttp.Answer container =
                engine.get("/containers/" + EngineHttp.encode(nameOrId) + "/json", "inspect " + nameOrId);
        if (container.status() == 404) {
            return Optional.empty();
        }
        JsonNode c = container.orThrow("inspect container " + nameOrId);
        String imageId = c.path("Image").asText();
        EngineHttp.Answer image =
                engine.get("/images/" + EngineHttp.encode(imageId) + "/json", "inspect image " + imageId);
        Map<String, String> imageEnv =
                image.ok() ? env(image.body().path("Config").path("Env")) : Map.of();
        Map<String, String> env = new TreeMap<>(env(c.path("Config").path("Env")));
        imageEnv.forEach(env::remove); // remove(key, value): only entries the container left as the image has them
        return Optional.of(new ContainerSettings(env, ports(c), mounts(c), networks(c)));
    }

    private static Map<String, String> env(JsonNode list) {
        Map<String, String> env = new HashMap<>();
        list.forEach(entry -> {
            String text = entry.asText();
            int eq = text.indexOf('=');
            env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
        });
        return env;
    }

    private static Map<String, String> ports(JsonNode c) {
        Map<String, String> ports = new TreeMap<>();
        c.path("HostConfig").path("PortBindings").fields().forEachRemaining(binding -> {
            JsonNode first = binding.getValue().path(0);
            if (!first.isMissingNode()) {
                String ip = first.path("HostIp").asText("");
                String port = first.path("HostPort").asText("");
                ports.put(binding.getKey(), ip.isEmpty() ? port : ip + ":" + port);
            }
        });
        return ports;
    }

    private static Map<String, String> mounts(JsonNode c) {
        Map<String, String> mounts = new TreeMap<>();
        for (JsonNode mount : c.path("Mounts")) {
            String destination = mount.path("Destination").asText();
            if ("volume".equals(mount.path("Type").asText())) {
                String name = mount.path("Name").asText();
                if (!ANONYMOUS_VOLUME.matcher(name).matches()) {
                    mounts.put(destination, name);
                }
            } else {
                mounts.put(destination, mount.path("Source").asText());
            }
        }
        return mounts;
    }

    private static Set<String> networks(JsonNode c) {
        Set<String> networks = new HashSet<>();
        c.path("NetworkSettings").path("Networks").fieldNames().forEachRemaining(networks::add);
        return networks;
    }
}
