package io.redeploy.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads a service's {@code health:} section: the gate a new container must pass before the old one goes. */
final class HealthBinder {
    static final List<String> KEYS = List.of("type", "path", "port", "timeout", "interval");

    private final Problems problems;

    HealthBinder(Problems problems) {
        this.problems = problems;
    }

    Optional<HealthCheckConfig> bind(MappingReader reader) {
        HealthCheckConfig defaults = HealthCheckConfig.defaults();
        Optional<HealthCheckConfig.Type> parsedType =
                reader.parsed("type", "auto, docker, http, tcp or none", HealthBinder::healthType);
        HealthCheckConfig.Type type = parsedType.orElse(defaults.type());
        Optional<String> path = reader.parsed("path", "an HTTP path such as /health", text -> {
            if (!text.startsWith("/")) {
                throw new IllegalArgumentException(
                        "'" + text + "' does not start with '/'; expected an HTTP path " + "such as /health");
            }
            return text;
        });
        Optional<Integer> port = reader.port("port");
        Duration timeout = reader.duration("timeout", Duration.ofSeconds(1)).orElse(defaults.timeout());
        Duration interval = reader.duration("interval", Duration.ofMillis(100)).orElse(defaults.interval());
        boolean probesPort = type == HealthCheckConfig.Type.HTTP || type == HealthCheckConfig.Type.TCP;
        String typeName = type.name().toLowerCase(Locale.ROOT);
        if (reader.has("type") && parsedType.isEmpty()) {
            return Optional.empty(); // the bad type is reported; checking port and path against a guess would mislead
        }
        if (probesPort && !reader.has("port")) {
            problems.add(
                    reader.line(),
                    reader.path(),
                    "type " + typeName + " needs the container port to probe; " + "expected port: 1-65535");
        }
        if (!probesPort && reader.has("port")) {
            problems.add(
                    reader.lineOf("port"),
                    reader.pathOf("port"),
                    "a port is only probed by type http or tcp, " + "not " + typeName
                            + "; expected type: http or tcp, or no port");
        }
        if (type != HealthCheckConfig.Type.HTTP && reader.has("path")) {
            problems.add(
                    reader.lineOf("path"),
                    reader.pathOf("path"),
                    "a path is only probed by type http, not " + typeName + "; expected type: http, or no path");
        }
        if (interval.compareTo(timeout) > 0) {
            problems.add(
                    reader.lineOf("interval"),
                    reader.pathOf("interval"),
                    "'" + Durations.format(interval)
                            + "' is longer than the timeout " + Durations.format(timeout)
                            + "; expected an interval shorter "
                            + "than the timeout");
        }
        return Optional.of(
                new HealthCheckConfig(type, path.orElse(defaults.path()), port.orElse(0), timeout, interval));
    }

    private static HealthCheckConfig.Type healthType(String text) {
        return switch (text) {
            case "auto" -> HealthCheckConfig.Type.AUTO;
            case "docker" -> HealthCheckConfig.Type.DOCKER;
            case "http" -> HealthCheckConfig.Type.HTTP;
            case "tcp" -> HealthCheckConfig.Type.TCP;
            case "none" -> HealthCheckConfig.Type.NONE;
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' is not a health check type; " + "expected auto, docker, http, tcp or none");
        };
    }
}
