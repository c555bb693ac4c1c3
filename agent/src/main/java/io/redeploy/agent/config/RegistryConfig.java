package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.util.Optional;

/**
 * One registry host (the key of {@code registries:}, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}).
 * {@code insecure} means plain HTTP, for a registry on loopback or a private network.
 */
public record RegistryConfig(String host, boolean insecure, Optional<String> username, Optional<Secret> password) {

    public static RegistryConfig anonymous(String host) {
        return new RegistryConfig(host, false, Optional.empty(), Optional.empty());
    }

    public boolean hasCredentials() {
        return username.isPresent() && password.isPresent();
    }

    /** Base URL of the Distribution API, e.g. {@code https://ghcr.io}. Docker Hub's API lives on another host. */
    public String baseUrl() {
        String apiHost = host.equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : host;
        return (insecure ? "http://" : "https://") + apiHost;
    }
}
