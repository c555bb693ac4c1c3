package io.redeploy.agent.config;

import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads one entry of {@code services:} into a {@link ServiceDraft}, recording every problem on the way. */
final class ServiceBinder {
    static final String DEFAULT_TAG = "latest";
    static final String RESERVED_LABEL_PREFIX = "redeploy-agent.";

    static final List<String> KEYS = List.of(
            "image",
            "tag",
            "container_name",
            "mode",
            "env",
            "ports",
            "volumes",
            "network",
            "network_aliases",
            "depends_on",
            "restart_on_dependency_update",
            "health",
            "stop_timeout",
            "restart_policy",
            "command",
            "labels",
            "prune_old_images",
            "policy",
            "cooldown",
            "hooks",
            "strategy",
            "proxy",
            "verify");
    private static final List<String> HEALTH_KEYS = List.of("type", "path", "port", "timeout", "interval");
    private static final List<String> PROXY_KEYS = List.of("listen", "container_port", "drain");

    /** Docker's rule for container names; service names follow it because they are the default container name. */
    static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private static final List<String> BUILT_IN_NETWORKS = List.of("bridge", "host", "none");
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern RESTART_POLICY =
            Pattern.compile("no|always|unless-stopped|on-failure(:[1-9]\\d{0,5})?");
    private static final String NAME_RULE =
            "letters, digits, '_', '.' or '-', at least 2 characters, " + "starting with a letter or digit";

    private final EnvInterpolator interpolator;
    private final Problems problems;

    ServiceBinder(EnvInterpolator interpolator, Problems problems) {
        this.interpolator = interpolator;
        this.problems = problems;
    }

    Optional<ServiceDraft> bind(YamlNode.Entry entry) {
        String path = MappingReader.child("services", entry.key());
        if (!CONTAINER_NAME.matcher(entry.key()).matches()) {
            problems.add(
                    entry.keyLine(),
                    "services",
                    "'" + entry.key() + "' is not a valid service name; expected " + NAME_RULE
                            + " (it is also the default container name)");
        }
        return MappingReader.of(entry.value(), path, problems, "a mapping with at least 'image'", KEYS)
                .map(reader -> bind(entry, path, reader));
    }

    private ServiceDraft bind(YamlNode.Entry entry, String path, MappingReader reader) {
        ServiceDraft draft = new ServiceDraft(entry.key(), path, entry.keyLine());
        bindImage(reader, draft);
        reader.parsed("container_name", "a container name", ServiceBinder::containerName)
                .ifPresent(name -> {
                    draft.containerName = name;
                    draft.containerNameLine = reader.lineOf("container_name");
                });
        reader.parsed("mode", "auto or monitor", ServiceBinder::mode).ifPresent(mode -> draft.mode = mode);
        bindEnv(reader, draft);
        forEachItem(
                reader,
                "ports",
                "a list of port mappings, e.g. [\"8000:8000\"]",
                (item, itemPath) -> MappingReader.parse(
                                item, itemPath, problems, "a port mapping such as \"8000:8000\"", PortMappings::parse)
                        .ifPresent(p -> draft.ports.add(new ServiceDraft.Located<>(p, item.line()))));
        forEachItem(
                reader,
                "volumes",
                "a list of volume mounts, e.g. [\"data:/var/lib/data\"]",
                (item, itemPath) -> MappingReader.parse(
                                item,
                                itemPath,
                                problems,
                                "a volume mount such as \"data:/var/lib/data\"",
                                VolumeMounts::parse)
                        .ifPresent(draft.volumes::add));
        bindNetwork(reader, draft);
        bindProxy(reader, draft);
        bindStrategy(reader, draft);
        forEachItem(
                reader,
                "depends_on",
                "a list of service names",
                (item, itemPath) -> MappingReader.asText(item, itemPath, problems, "a service name")
                        .ifPresent(name -> {
                            if (draft.dependencyNames().contains(name)) {
                                problems.add(
                                        item.line(),
                                        itemPath,
                                        "'" + name + "' is listed twice; expected each dependency once");
                            } else {
                                draft.dependsOn.add(new ServiceDraft.Located<>(name, item.line()));
                            }
                        }));
        draft.dependsOnLine = reader.lineOf("depends_on");
        reader.bool("restart_on_dependency_update").ifPresent(b -> draft.restartOnDependencyUpdate = b);
        reader.reader("health", "a mapping such as {type: http, port: 8000, path: /health}", HEALTH_KEYS)
                .flatMap(this::health)
                .ifPresent(h -> draft.health = h);
        reader.duration("stop_timeout", Duration.ZERO).ifPresent(d -> {
            if (d.toMillis() % 1000 != 0) {
                // Docker's stop API takes whole seconds; silently rounding would change what was asked for.
                problems.add(
                        reader.lineOf("stop_timeout"),
                        reader.pathOf("stop_timeout"),
                        "'"
                                + reader.string("stop_timeout", "a duration").orElse(Durations.format(d))
                                + "' is not a whole number of seconds; expected e.g. 10s or 1m30s");
            } else {
                draft.stopTimeout = d;
            }
        });
        reader.parsed("restart_policy", "a restart policy", ServiceBinder::restartPolicy)
                .ifPresent(p -> draft.restartPolicy = p);
        bindCommand(reader, draft);
        bindLabels(reader, draft);
        reader.bool("prune_old_images").ifPresent(b -> draft.pruneOldImages = b);
        draft.policy = new PolicyBinder(problems, interpolator).bind(reader);
        return draft;
    }

    private void bindImage(MappingReader reader, ServiceDraft draft) {
        Optional<String> tag = reader.string("tag", "a tag such as latest, main or 16");
        boolean tagValid = tag.map(t -> {
                    if (ImageRef.isValidTag(t)) {
                        return true;
                    }
                    problems.add(
                            reader.lineOf("tag"),
                            reader.pathOf("tag"),
                            "'" + t + "' is not a valid tag; expected up to "
                                    + "128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
                    return false;
                })
                .orElse(true);
        if (!reader.has("image")) {
            problems.add(
                    reader.line(),
                    draft.path,
                    "missing required key 'image'; expected [registry/]repository, "
                            + "e.g. ghcr.io/acme/app or postgres");
            return;
        }
        reader.string("image", "[registry/]repository, e.g. ghcr.io/acme/app").ifPresent(image -> {
            try {
                ImageRef.parse(image, DEFAULT_TAG); // validates the name alone, so a bad tag is not blamed on it
                if (tagValid) {
                    draft.image = ImageRef.parse(image, tag.orElse(DEFAULT_TAG));
                }
            } catch (IllegalArgumentException e) {
                problems.add(
                        reader.lineOf("image"),
                        reader.pathOf("image"),
                        "'" + image + "' is not a valid image ("
                                + e.getMessage()
                                + "); expected [registry/]repository in lowercase without tag or digest, "
                                + "e.g. ghcr.io/acme/app");
            }
        });
    }

    private void bindEnv(MappingReader reader, ServiceDraft draft) {
        reader.mapping("env", "a mapping of variable names to values, e.g. {LOG_LEVEL: info}")
                .ifPresent(env -> {
                    for (YamlNode.Entry variable : env.entries().values()) {
                        String path = MappingReader.child(reader.pathOf("env"), variable.key());
                        if (variable.key().isEmpty() || variable.key().contains("=")) {
                            problems.add(
                                    variable.keyLine(),
                                    path,
                                    "'" + variable.key() + "' is not a variable name; "
                                            + "expected a non-empty name without '='");
                            continue;
                        }
                        // Values are not quoted back in problems: they are often passwords.
                        if (!(variable.value() instanceof YamlNode.Scalar value) || value.isNull()) {
                            problems.add(
                                    variable.value().line(),
                                    path,
                                    "got "
                                            + (variable.value() instanceof YamlNode.Scalar
                                                    ? "no value"
                                                    : variable.value().describe())
                                            + "; expected a string, number or boolean "
                                            + "(write \"${" + variable.key()
                                            + "}\" to pass on the agent's own variable)");
                            continue;
                        }
                        try {
                            draft.env.put(variable.key(), interpolator.expand(value.text()));
                        } catch (IllegalArgumentException e) {
                            problems.add(value.line(), path, e.getMessage());
                        }
                    }
                });
    }

    private void bindNetwork(MappingReader reader, ServiceDraft draft) {
        draft.network = reader.parsed("network", "a network name", text -> {
            if (!NETWORK_NAME.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a valid network name; expected letters, "
                        + "digits, '_', '.' or '-', starting with a letter or digit");
            }
            return text;
        });
        forEachItem(
                reader,
                "network_aliases",
                "a list of host names",
                (item, itemPath) -> MappingReader.parse(item, itemPath, problems, "a host name", text -> {
                            if (!HostPort.isHostname(text)) {
                                throw new IllegalArgumentException(
                                        "'" + text + "' is not a valid host name; expected letters, "
                                                + "digits, '-' and '.', e.g. db");
                            }
                            return text;
                        })
                        .ifPresent(draft.networkAliases::add));
        boolean builtIn = draft.network.map(BUILT_IN_NETWORKS::contains).orElse(false);
        if (reader.has("network_aliases") && (!reader.has("network") || builtIn)) {
            // Docker only resolves aliases on a user-defined network; on the built-in ones they are ignored.
            problems.add(
                    reader.lineOf("network_aliases"),
                    reader.pathOf("network_aliases"),
                    "aliases need a user-defined network"
                            + draft.network
                                    .filter(n -> builtIn)
                                    .map(n -> ", not '" + n + "'")
                                    .orElse("") + "; expected 'network' set to a network "
                            + "of your own, e.g. network: survey");
        }
        if (reader.has("ports")
                && draft.network
                        .filter(n -> n.equals("host") || n.equals("none"))
                        .isPresent()) {
            problems.add(
                    reader.lineOf("ports"),
                    reader.pathOf("ports"),
                    "ports are not published on network '" + draft.network.get()
                            + "'; expected no ports, or another network");
        }
    }

    private void bindCommand(MappingReader reader, ServiceDraft draft) {
        reader.sequence("command", "a list of arguments, e.g. [\"postgres\", \"-c\", \"max_connections=50\"]")
                .ifPresent(sequence -> {
                    if (sequence.items().isEmpty()) {
                        problems.add(
                                sequence.line(),
                                reader.pathOf("command"),
                                "got an empty list; expected at "
                                        + "least one argument, or no 'command' key to keep the image's default");
                        return;
                    }
                    List<String> arguments = new ArrayList<>();
                    for (int i = 0; i < sequence.items().size(); i++) {
                        MappingReader.asText(
                                        sequence.items().get(i),
                                        MappingReader.item(reader.pathOf("command"), i),
                                        problems,
                                        "a string argument")
                                .ifPresent(arguments::add);
                    }
                    draft.command = Optional.of(arguments);
                });
    }

    private void bindLabels(MappingReader reader, ServiceDraft draft) {
        reader.mapping("labels", "a mapping of label keys to values, e.g. {team: web}")
                .ifPresent(labels -> {
                    for (YamlNode.Entry label : labels.entries().values()) {
                        String path = MappingReader.child(reader.pathOf("labels"), label.key());
                        if (label.key().startsWith(RESERVED_LABEL_PREFIX)) {
                            problems.add(
                                    label.keyLine(),
                                    path,
                                    "the prefix '" + RESERVED_LABEL_PREFIX + "' is reserved for "
                                            + "the agent's own labels; expected another key");
                            continue;
                        }
                        MappingReader.asText(label.value(), path, problems, "a string value")
                                .ifPresent(value -> draft.labels.put(label.key(), value));
                    }
                });
    }

    private Optional<HealthCheckConfig> health(MappingReader reader) {
        HealthCheckConfig defaults = HealthCheckConfig.defaults();
        Optional<HealthCheckConfig.Type> parsedType =
                reader.parsed("type", "auto, docker, http, tcp or none", ServiceBinder::healthType);
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

    private void forEachItem(MappingReader reader, String key, String expectation, ItemBinder binder) {
        reader.sequence(key, expectation).ifPresent(sequence -> {
            for (int i = 0; i < sequence.items().size(); i++) {
                binder.bind(sequence.items().get(i), MappingReader.item(reader.pathOf(key), i));
            }
        });
    }

    @FunctionalInterface
    private interface ItemBinder {
        void bind(YamlNode item, String itemPath);
    }

    private static String containerName(String text) {
        if (!CONTAINER_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a valid container name; expected " + NAME_RULE);
        }
        return text;
    }

    private void bindProxy(MappingReader service, ServiceDraft draft) {
        service.reader("proxy", "a mapping such as {listen: \"0.0.0.0:8080\", container_port: 8080}", PROXY_KEYS)
                .ifPresent(reader -> {
                    Optional<HostPort> listen = reader.parsed("listen", "host:port", HostPort::listen);
                    Optional<Integer> containerPort = reader.port("container_port");
                    Optional<Duration> drain = reader.duration("drain", Duration.ZERO);
                    for (String required : List.of("listen", "container_port")) {
                        if (!reader.has(required)) {
                            problems.add(
                                    reader.line(),
                                    reader.path(),
                                    "missing required key '" + required + "'; expected "
                                            + "e.g. {listen: \"0.0.0.0:8080\", container_port: 8080}");
                        }
                    }
                    if (draft.network
                            .filter(n -> n.equals("host") || n.equals("none"))
                            .isPresent()) {
                        problems.add(
                                service.lineOf("proxy"),
                                service.pathOf("proxy"),
                                "the container's port cannot be "
                                        + "published on network '" + draft.network.get()
                                        + "'; expected no network, or a "
                                        + "user-defined one");
                    }
                    if (listen.isPresent() && containerPort.isPresent()) {
                        draft.proxy = Optional.of(new ProxyConfig(
                                listen.get().host(),
                                listen.get().port().orElseThrow(),
                                containerPort.get(),
                                drain.orElse(ProxyConfig.DEFAULT_DRAIN)));
                        draft.proxyListenLine = reader.lineOf("listen");
                    }
                });
    }

    private void bindStrategy(MappingReader reader, ServiceDraft draft) {
        reader.parsed("strategy", "stop-first or start-first", ServiceBinder::strategy)
                .ifPresent(s -> draft.strategy = s);
        if (reader.has("proxy") && draft.strategy != ServiceConfig.Strategy.START_FIRST) {
            problems.add(
                    reader.lineOf("proxy"),
                    reader.pathOf("proxy"),
                    "a port owned by the agent only serves to "
                            + "switch clients to a new container started next to the old one; expected strategy: start-first");
        }
        if (draft.strategy != ServiceConfig.Strategy.START_FIRST) {
            return;
        }
        // Old and new run side by side for a moment: they cannot both publish a host port, and without an alias on
        // a network of the service's own or a port the agent owns there is nothing to switch over.
        if (reader.has("proxy")) {
            draft.proxy.ifPresent(proxy -> refusePortsBehindProxy(reader, draft, proxy));
            return;
        }
        if (reader.has("ports")) {
            problems.add(
                    reader.lineOf("strategy"),
                    reader.pathOf("strategy"),
                    "'start-first' cannot be used with "
                            + "published ports (two containers cannot publish the same host port); expected no 'ports', a "
                            + "'proxy' port owned by the agent, or strategy: stop-first");
        }
        boolean userNetwork =
                draft.network.filter(n -> !BUILT_IN_NETWORKS.contains(n)).isPresent();
        if (!userNetwork || draft.networkAliases.isEmpty()) {
            problems.add(
                    reader.lineOf("strategy"),
                    reader.pathOf("strategy"),
                    "'start-first' needs a user-defined "
                            + "'network' and 'network_aliases', or a 'proxy' port owned by the agent, to switch clients over; "
                            + "expected e.g. network: survey and network_aliases: [web], or proxy: {listen: \"0.0.0.0:8080\", "
                            + "container_port: 8080}");
        }
    }

    /** Behind the agent's port every published host port is one too many: old and new run at once. */
    private void refusePortsBehindProxy(MappingReader reader, ServiceDraft draft, ProxyConfig proxy) {
        for (int i = 0; i < draft.ports.size(); i++) {
            ServiceDraft.Located<PortMapping> port = draft.ports.get(i);
            String path = MappingReader.item(reader.pathOf("ports"), i);
            if (port.value().containerPort() == proxy.containerPort()) {
                problems.add(
                        port.line(),
                        path,
                        "container port " + proxy.containerPort() + " is published by the agent " + "on "
                                + proxy.listen() + " (proxy); expected no 'ports' entry for it");
            } else {
                problems.add(
                        port.line(),
                        path,
                        "'" + PortMappings.describe(port.value()) + "' cannot be published by "
                                + "the old and the new container at once during a start-first switch; expected no 'ports' "
                                + "(the agent's proxy publishes container port " + proxy.containerPort() + ")");
            }
        }
    }

    private static ServiceConfig.Strategy strategy(String text) {
        return switch (text) {
            case "stop-first" -> ServiceConfig.Strategy.STOP_FIRST;
            case "start-first" -> ServiceConfig.Strategy.START_FIRST;
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' is not a strategy; expected stop-first or start-first");
        };
    }

    private static ServiceConfig.UpdateMode mode(String text) {
        return switch (text) {
            case "auto" -> ServiceConfig.UpdateMode.AUTO;
            case "monitor" -> ServiceConfig.UpdateMode.MONITOR;
            default -> throw new IllegalArgumentException("'" + text + "' is not a mode; expected auto or monitor");
        };
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

    private static String restartPolicy(String text) {
        if (!RESTART_POLICY.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a restart policy; expected no, always, "
                    + "unless-stopped, on-failure or on-failure:N");
        }
        return text;
    }
}
