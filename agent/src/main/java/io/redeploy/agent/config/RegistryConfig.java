package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.util.List;
import java.util.Optional;

/**
 * One registry host (the key of {@code registries:}, e.g. {@code ghcr.io} or {@code 127.0.0.1:5000}).
 * {@code insecure} means plain HTTP, for a registry on loopback or a private network.
 *
 * @param tokenHosts hosts besides the registry's own to which its credentials may go when its 401 challenge names a
 *     token realm there ({@code registries.<host>.token_hosts}); Docker Hub's and GitLab's are built in
 */
public record RegistryConfig(
        String host, boolean insecure, Optional<String> username, Optional<Secret> password, List<String> tokenHosts) {

    public RegistryConfig {
        tokenHosts = List.copyOf(tokenHosts);
    }

    public RegistryConfig(String host, boolean insecure, Optional<String> username, Optional<Secret> password) {
        this(host, insecure, username, password, List.of());
    }

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
