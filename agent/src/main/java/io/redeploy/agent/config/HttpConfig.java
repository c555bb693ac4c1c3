package io.redeploy.agent.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operator endpoint. Loopback by default; the trigger route is refused while no token is configured. Reads
 * ({@code /status}, {@code /metrics}, {@code /v1/history}, the status page) need {@code readToken} when one is set, and
 * one must be set to listen off loopback. {@code allowedHosts} are the extra names ({@code name} or
 * {@code name:port}) a request's {@code Host} header may carry besides the listen address (DNS rebinding).
 */
public record HttpConfig(
        String host, int port, Optional<Secret> triggerToken, Optional<Secret> readToken, List<String> allowedHosts) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8686;

    public HttpConfig {
        allowedHosts =
                allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** Without a read token or extra host names: reads open, as on loopback by default. */
    public HttpConfig(String host, int port, Optional<Secret> triggerToken) {
        this(host, port, triggerToken, Optional.empty(), List.of());
    }

    /** True when {@code host} is a loopback address or {@code localhost}: nothing off this machine reaches it. */
    public static boolean isLoopback(String host) {
        return PlainHttp.isLoopback(host);
    }
}
