package io.redeploy.agent.docker.swarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Registry credentials forwarded with a service update so that every node can pull a private image: the manager stores
 * them with the task spec and hands them to the node that runs each task. Sent only as the {@code X-Registry-Auth}
 * header; {@link #toString()} shows no password.
 *
 * @param serverAddress the registry host as in the image reference, e.g. {@code ghcr.io} or {@code 10.0.0.5:5001}
 */
public record SwarmRegistryAuth(String serverAddress, String username, String password) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SwarmRegistryAuth {
        if (serverAddress == null || serverAddress.isBlank()) throw new IllegalArgumentException("serverAddress");
        if (username == null || username.isBlank()) throw new IllegalArgumentException("username");
        if (password == null) throw new IllegalArgumentException("password");
    }

    /** The header value Docker expects: URL-safe base64 (padded) of {@code {username,password,serveraddress}}. */
    String headerValue() {
        ObjectNode json = JSON.createObjectNode()
                .put("username", username)
                .put("password", password)
                .put("serveraddress", serverAddress);
        return Base64.getUrlEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SwarmRegistryAuth[serverAddress=" + serverAddress + ", username=" + username + ", password=****]";
    }
}
