package io.redeploy.agent.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Transport limits of the registry client.
 *
 * @param connectTimeout  TCP (and TLS) connect
 * @param readTimeout     between two reads of one response
 * @param callTimeout     one whole HTTP exchange, including auth follow-ups; retries each get their own
 * @param maxAttempts     attempts per digest lookup for 5xx, 429 and I/O failures (1 = no retry)
 * @param baseBackoff     wait before the second attempt; doubles for each further attempt
 * @param maxBackoff      cap of the exponential wait
 * @param maxRetryAfter   longest Retry-After the client waits for; a longer one fails fast with {@link RateLimitedException}
 * @param maxBodyBytes    largest manifest or token response read; the OCI spec suggests registries accept 4 MiB manifests
 * @param userAgent       sent on every request
 */
public record RegistryClientSettings(
        Duration connectTimeout,
        Duration readTimeout,
        Duration callTimeout,
        int maxAttempts,
        Duration baseBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        long maxBodyBytes,
        String userAgent) {

    public static final long FOUR_MIB = 4L * 1024 * 1024;

    public RegistryClientSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(callTimeout, "callTimeout");
        requirePositive(baseBackoff, "baseBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be positive");
        if (userAgent == null || userAgent.isBlank()) throw new IllegalArgumentException("userAgent must not be blank");
    }

    /** Defaults for a daemon polling a few registries: a slow registry costs at most about 100 s per image. */
    public static RegistryClientSettings defaults(String agentVersion) {
        return new RegistryClientSettings(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                3,
                Duration.ofMillis(500),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                FOUR_MIB,
                "redeploy-agent/" + agentVersion);
    }

    /** Defaults with the version from the jar manifest ({@code dev} when run from classes). */
    public static RegistryClientSettings defaults() {
        String version = RegistryClientSettings.class.getPackage().getImplementationVersion();
        return defaults(version == null ? "dev" : version);
    }

    public RegistryClientSettings withMaxAttempts(int attempts) {
        return new RegistryClientSettings(
                connectTimeout,
                readTimeout,
                callTimeout,
                attempts,
                baseBackoff,
                maxBackoff,
                maxRetryAfter,
                maxBodyBytes,
                userAgent);
    }

    public RegistryClientSettings withReadTimeout(Duration timeout) {
        return new RegistryClientSettings(
                connectTimeout,
                timeout,
                callTimeout,
                maxAttempts,
                baseBackoff,
                maxBackoff,
                maxRetryAfter,
                maxBodyBytes,
                userAgent);
    }

    public RegistryClientSettings withMaxBodyBytes(long bytes) {
        return new RegistryClientSettings(
                connectTimeout,
                readTimeout,
                callTimeout,
                maxAttempts,
                baseBackoff,
                maxBackoff,
                maxRetryAfter,
                bytes,
                userAgent);
    }

    public RegistryClientSettings withMaxRetryAfter(Duration wait) {
        return new RegistryClientSettings(
                connectTimeout,
                readTimeout,
                callTimeout,
                maxAttempts,
                baseBackoff,
                maxBackoff,
                wait,
                maxBodyBytes,
                userAgent);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }
}
