package io.redeploy.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/** Binds the whole document: top-level sections here, services and registries in their own binders. */
final class AgentConfigBinder {
    static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/redeploy-agent");
    static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    static final Duration MINIMUM_INTERVAL = Duration.ofSeconds(1);

    static final List<String> KEYS =
            List.of("state_dir", "schedule", "http", "docker", "registries", "services", "notifications");
    private static final List<String> SCHEDULE_KEYS = List.of("interval", "cron");
    private static final List<String> DOCKER_KEYS = List.of("host", "insecure_tcp_acknowledged");

    private static final Pattern DOCKER_HOST = Pattern.compile("(unix|npipe)://.+|tcp://[^/]+:\\d+/?");

    private final Map<String, String> environment;
    private final Problems problems;
    private final SecretResolver secrets;

    AgentConfigBinder(Map<String, String> environment, Problems problems) {
        this.environment = environment;
        this.problems = problems;
        this.secrets = new SecretResolver(environment);
    }

    /** The config, or empty when any problem was recorded (while binding or before, e.g. duplicate keys). */
    Optional<AgentConfig> bind(YamlNode root) {
        if (!(root instanceof YamlNode.Mapping mapping)) {
            problems.add(
                    root.line(),
                    "",
                    "the file holds " + root.describe() + "; expected a mapping of settings "
                            + "with at least 'services'");
            return Optional.empty();
        }
        MappingReader reader = new MappingReader(mapping, "", problems, KEYS);
        Path stateDir = reader.parsed("state_dir", "an absolute directory path", AgentConfigBinder::stateDir)
                .orElse(DEFAULT_STATE_DIR);
        ScheduleConfig schedule = reader.reader("schedule", "a mapping such as {interval: 60s}", SCHEDULE_KEYS)
                .flatMap(this::schedule)
                .orElse(ScheduleConfig.every(DEFAULT_INTERVAL));
        HttpConfig http = reader.reader("http", "a mapping such as {listen: \"127.0.0.1:8686\"}", HttpBinder.KEYS)
                .flatMap(new HttpBinder(secrets, problems)::bind)
                .orElse(new HttpConfig(HttpConfig.DEFAULT_HOST, HttpConfig.DEFAULT_PORT, Optional.empty()));
        DockerConfig docker =
                docker(reader.reader("docker", "a mapping such as {host: unix:///var/run/docker.sock}", DOCKER_KEYS));
        List<ServiceDraft> services = services(reader);
        Set<String> imageHosts = new LinkedHashSet<>();
        services.stream().filter(s -> s.image != null).forEach(s -> imageHosts.add(s.image.registry()));
        Map<String, RegistryConfig> registries = new RegistriesBinder(secrets, problems)
                .bind(
                        reader.mapping(
                                "registries",
                                "a mapping of registry hosts, e.g. {ghcr.io: {username: bot, "
                                        + "password_env: GHCR_TOKEN}}"),
                        imageHosts,
                        everyImageRead(reader, services));
        List<String> declaredNames = reader.node("services")
                .map(n -> n instanceof YamlNode.Mapping m
                        ? List.copyOf(m.entries().keySet())
                        : List.<String>of())
                .orElse(List.of());
        NotificationsConfig notifications = new NotificationsBinder(secrets, problems).bind(reader);
        new ServiceSetValidator(problems)
                .validate(services, declaredNames, new PortMapping(http.host(), http.port(), 0, "tcp"));
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AgentConfig(
                registries,
                schedule,
                stateDir,
                http,
                docker,
                services.stream().map(ServiceDraft::toConfig).toList(),
                notifications));
    }

    private static boolean everyImageRead(MappingReader reader, List<ServiceDraft> services) {
        int declared = reader.node("services")
                .map(n -> n instanceof YamlNode.Mapping m ? m.entries().size() : -1)
                .orElse(-1);
        return declared == services.size() && services.stream().allMatch(s -> s.image != null);
    }

    private List<ServiceDraft> services(MappingReader reader) {
        if (!reader.has("services")) {
            problems.add(
                    reader.line(),
                    "",
                    "missing required key 'services'; expected a mapping of the services "
                            + "to watch, e.g. services: {web: {image: ghcr.io/acme/app}}");
            return List.of();
        }
        List<ServiceDraft> drafts = new ArrayList<>();
        reader.mapping("services", "a mapping of service names to their settings")
                .ifPresent(services -> {
                    if (services.entries().isEmpty()) {
                        problems.add(
                                services.line(), "services", "got an empty mapping; expected at least one service");
                    }
                    ServiceBinder binder = new ServiceBinder(new EnvInterpolator(environment), problems);
                    services.entries()
                            .values()
                            .forEach(entry -> binder.bind(entry).ifPresent(drafts::add));
                });
        return drafts;
    }

    private Optional<ScheduleConfig> schedule(MappingReader reader) {
        boolean hasInterval = reader.has("interval");
        boolean hasCron = reader.has("cron");
        if (hasInterval && hasCron) {
            problems.add(reader.line(), reader.path(), "both interval and cron are set; expected exactly one");
            return Optional.empty();
        }
        if (!hasInterval && !hasCron) {
            problems.add(
                    reader.line(),
                    reader.path(),
                    "neither interval nor cron is set; expected exactly one, "
                            + "e.g. interval: 60s or cron: \"0 */5 * * * ?\"");
            return Optional.empty();
        }
        if (hasInterval) {
            return reader.duration("interval", MINIMUM_INTERVAL).map(ScheduleConfig::every);
        }
        return reader.parsed("cron", "a Quartz cron expression", AgentConfigBinder::cron)
                .map(ScheduleConfig::cron);
    }

    /**
     * Plain TCP to the Engine API is root on the host for whoever can reach the port: refused unless TLS is on
     * (DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, which docker-java reads) or the operator acknowledges it.
     */
    private void refuseTcpWithoutTls(DockerConfig docker, Optional<MappingReader> reader) {
        if (!docker.host().startsWith("tcp://")) return;
        if ("1".equals(environment.get("DOCKER_TLS_VERIFY"))) return;
        if (reader.flatMap(r -> r.bool("insecure_tcp_acknowledged")).orElse(false)) return;
        problems.add(
                reader.map(MappingReader::line).orElse(Problems.NO_LINE),
                "docker.host",
                docker.host() + " is plain TCP without TLS: anyone who reaches the port controls the host; expected "
                        + "a unix socket, DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or "
                        + "docker.insecure_tcp_acknowledged: true");
    }

    private DockerConfig docker(Optional<MappingReader> reader) {
        DockerConfig docker = dockerHost(reader);
        refuseTcpWithoutTls(docker, reader);
        return docker;
    }

    private DockerConfig dockerHost(Optional<MappingReader> reader) {
        Optional<String> configured = reader.flatMap(r -> r.parsed("host", "a Docker host URL", text -> {
            if (!DOCKER_HOST.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a Docker host; expected "
                        + "unix:///path/to/docker.sock or tcp://host:port");
            }
            return text;
        }));
        if (configured.isPresent() || reader.map(r -> r.has("host")).orElse(false)) {
            return new DockerConfig(configured.orElse(DockerConfig.DEFAULT_HOST));
        }
        String fromEnvironment = environment.get("DOCKER_HOST");
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            return new DockerConfig(DockerConfig.DEFAULT_HOST);
        }
        if (!DOCKER_HOST.matcher(fromEnvironment).matches()) {
            problems.add(
                    Problems.NO_LINE,
                    "docker.host",
                    "'" + fromEnvironment + "' from environment variable "
                            + "DOCKER_HOST is not a Docker host; expected unix:///path/to/docker.sock or tcp://host:port, "
                            + "or docker.host set in this file");
        }
        return new DockerConfig(fromEnvironment);
    }

    private static Path stateDir(String text) {
        try {
            Path path = Path.of(text);
            if (path.isAbsolute()) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // reported below like any other unusable path
        }
        throw new IllegalArgumentException("'" + text + "' is not an absolute path; expected an absolute directory "
                + "path such as " + DEFAULT_STATE_DIR);
    }

    private static String cron(String text) {
        String expected = "expected a Quartz cron expression: seconds minutes hours day-of-month month day-of-week "
                + "[year], e.g. \"0 */5 * * * ?\"";
        if (text.trim().split("\\s+").length == 5) {
            throw new IllegalArgumentException(
                    "'" + text + "' has 5 fields like Unix cron; " + expected + " (Quartz starts with seconds)");
        }
        try {
            new CronExpression(text);
            return text;
        } catch (ParseException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a valid cron expression (" + e.getMessage() + "); " + expected);
        }
    }

    /** Shared with {@code proxy.listen} of a service. */
}
