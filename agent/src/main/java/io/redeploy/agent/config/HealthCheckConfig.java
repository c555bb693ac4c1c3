package io.redeploy.agent.config;

import java.time.Duration;

/**
 * How a new container proves it works before the old one is removed.
 * AUTO: the image's Docker HEALTHCHECK when it has one, else running-for-{@code interval}.
 * HTTP: GET http://container:port/path answers 2xx/3xx. TCP: port accepts a connection.
 * NONE: started is enough. The probe is retried every {@code interval} until {@code timeout}.
 */
public record HealthCheckConfig(Type type, String path, int port, Duration timeout, Duration interval) {
    public enum Type {
        AUTO,
        DOCKER,
        HTTP,
        TCP,
        NONE
    }

    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(Type.AUTO, "/", 0, Duration.ofSeconds(60), Duration.ofSeconds(1));
    }
}
