package io.redeploy.agent.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operator endpoint. Loopback by default; the trigger route is refused while no token is configured. Reads
 * ({@code /status}, {@code /metrics}, {@code /v1/history}, the status page) need {@code readToken} when one is set, and
 * one must be set to listen off loopback. {@code allowedHosts} are the extra names ({@code name} or
 * {@code name:port}) a request's {@code Host} header may carry besides the listen address (DNS rebinding).
 *
 * @param approvalKey the HMAC key that signs approve links in notifications; without it they carry none
 * @param publicUrl   the address operators reach the agent at ({@code https://deploy.example.com}), the base of
 *                    approve links; empty: {@code http://host:port} of {@code listen}
 */
public record HttpConfig(
        String host,
        int port,
        Optional<Secret> triggerToken,
        Optional<Secret> readToken,
        List<String> allowedHosts,
        Optional<Secret> approvalKey,
        Optional<String> publicUrl) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8686;

    public HttpConfig {
        allowedHosts =
                allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        approvalKey = approvalKey == null ? Optional.empty() : approvalKey;
        publicUrl = publicUrl == null ? Optional.empty() : publicUrl;
    }

    /** Without signed approve links. */
    public HttpConfig(
            String host,
            int port,
            Optional<Secret> triggerToken,
            Optional<Secret> readToken,
            List<String> allowedHosts) {
        this(host, port, triggerToken, readToken, allowedHosts, Optional.empty(), Optional.empty());
    }

    /** Without a read token or extra host names: reads open, as on loopback by default. */
    public HttpConfig(String host, int port, Optional<Secret> triggerToken) {
        this(host, port, triggerToken, Optional.empty(), List.of());
    }

    /** True when {@code host} is a loopback address or {@code localhost}: nothing off this machine reaches it. */
    public static boolean isLoopback(String host) {
        return PlainHttp.isLoopback(host);
    }

    /** Where approve links point: {@code public_url}, else the listen address (loopback for a wildcard). */
    public String baseUrl() {
        String listen = host.equals("0.0.0.0") || host.equals("::") ? DEFAULT_HOST : host;
        return publicUrl
                .orElse("http://" + (listen.contains(":") ? "[" + listen + "]" : listen) + ":" + port)
                .replaceAll("/+$", "");
    }
}
