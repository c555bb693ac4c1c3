package io.redeploy.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the settings a service's container is created with: environment, ports, volumes, network and aliases,
 * command, labels, stop timeout and restart policy.
 */
final class ContainerSettingsBinder {
    static final String RESERVED_LABEL_PREFIX = "redeploy-agent.";
    static final List<String> BUILT_IN_NETWORKS = List.of("bridge", "host", "none");
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern RESTART_POLICY =
            Pattern.compile("no|always|unless-stopped|on-failure(:[1-9]\\d{0,5})?");

    private final EnvInterpolator interpolator;
    private final Problems problems;

    ContainerSettingsBinder(EnvInterpolator interpolator, Problems problems) {
        this.interpolator = interpolator;
        this.problems = problems;
    }

    void bind(MappingReader reader, ServiceDraft draft) {
        env(reader, draft);
        reader.forEachItem(
                "ports",
                "a list of port mappings, e.g. [\"8000:8000\"]",
                (item, itemPath) -> MappingReader.parse(
                                item, itemPath, problems, "a port mapping such as \"8000:8000\"", PortMappings::parse)
                        .ifPresent(p -> draft.ports.add(new ServiceDraft.Located<>(p, item.line()))));
        reader.forEachItem(
                "volumes",
                "a list of volume mounts, e.g. [\"data:/var/lib/data\"]",
                (item, itemPath) -> MappingReader.parse(
                                item,
                                itemPath,
                                problems,
                                "a volume mount such as \"data:/var/lib/data\"",
                                VolumeMounts::parse)
                        .ifPresent(draft.volumes::add));
        network(reader, draft);
        stopTimeout(reader, draft);
        reader.parsed("restart_policy", "a restart policy", ContainerSettingsBinder::restartPolicy)
                .ifPresent(p -> draft.restartPolicy = p);
        command(reader, draft);
        labels(reader, draft);
    }

    /** How long a stop waits before Docker kills: also read for a followed container, which the agent stops too. */
    void stopTimeout(MappingReader reader, ServiceDraft draft) {
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
    }

    private void env(MappingReader reader, ServiceDraft draft) {
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

    private void network(MappingReader reader, ServiceDraft draft) {
        draft.network = reader.parsed("network", "a network name", text -> {
            if (!NETWORK_NAME.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a valid network name; expected letters, "
                        + "digits, '_', '.' or '-', starting with a letter or digit");
            }
            return text;
        });
        reader.forEachItem(
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

    private void command(MappingReader reader, ServiceDraft draft) {
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

    private void labels(MappingReader reader, ServiceDraft draft) {
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

    private static String restartPolicy(String text) {
        if (!RESTART_POLICY.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a restart policy; expected no, always, "
                    + "unless-stopped, on-failure or on-failure:N");
        }
        return text;
    }
}
