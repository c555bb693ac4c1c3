package io.redeploy.agent.registry;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.image.ImageRef;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Decides whether a registry's credentials may go to the token realm its challenge names. The challenge comes from
 * whoever answers on the registry's address, so it must not be able to pick where the password goes: only HTTPS
 * (plain HTTP to a loopback realm, for test registries), and only the registry's own host or a host configured for
 * it in {@code registries.<host>.token_hosts}.
 */
final class TokenRealmPolicy {
    /** Public registries whose token service is on another host (their documented realms). */
    private static final Map<String, List<String>> BUILT_IN =
            Map.of(ImageRef.DOCKER_HUB, List.of("auth.docker.io"), "registry.gitlab.com", List.of("gitlab.com"));

    private TokenRealmPolicy() {}

    /** Empty when the credentials may be sent; otherwise the reason, for the refusal message. */
    static Optional<String> refusal(RegistryConfig config, HttpUrl realm) {
        String realmHost = realm.host().toLowerCase(Locale.ROOT);
        // Plain HTTP only where nothing crosses a network: a loopback realm of a registry already spoken to in HTTP.
        if (!realm.isHttps() && !(isLoopback(realmHost) && config.insecure())) {
            return Optional.of("is plain HTTP (allowed only on loopback, for an insecure registry)");
        }
        if (realmHost.equals(hostName(config.host()))) return Optional.empty();
        boolean listed =
                config.tokenHosts().stream().map(TokenRealmPolicy::hostName).anyMatch(realmHost::equals)
                        || BUILT_IN.getOrDefault(config.host(), List.of()).contains(realmHost);
        return listed
                ? Optional.empty()
                : Optional.of("is on host " + realmHost + ", neither the registry's own nor listed in registries."
                        + config.host() + ".token_hosts");
    }

    /** {@code ghcr.io:443} -> {@code ghcr.io}, {@code [::1]:5000} -> {@code ::1} (as OkHttp spells hosts). */
    static String hostName(String hostPort) {
        String h = hostPort.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) return h.substring(1, Math.max(1, h.indexOf(']')));
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
