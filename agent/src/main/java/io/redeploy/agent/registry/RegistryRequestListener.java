package io.redeploy.agent.registry;

/**
 * Told about every HTTP exchange with a registry or its token service (including 401 challenges and retries),
 * so requests can be counted by status. Called on the requesting thread: keep it cheap and non-blocking.
 */
@FunctionalInterface
public interface RegistryRequestListener {
    /** Status used when no response arrived (connection refused, reset, timeout). */
    int IO_ERROR = -1;

    /**
     * @param registry the registry host as configured ({@code ghcr.io}, {@code 127.0.0.1:5000}), also for token requests
     * @param method   {@code HEAD} or {@code GET}
     * @param status   the HTTP status, or {@link #IO_ERROR}
     */
    void onResponse(String registry, String method, int status);

    static RegistryRequestListener none() {
        return (registry, method, status) -> {};
    }
}
