package io.redeploy.agent.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a service's {@code policy}, {@code cooldown}, {@code hooks} and {@code verify} keys into an {@link UpdatePolicy}.
 * {@code mode} (the older key) is read by {@link ServiceBinder}; both together are an error.
 */
final class PolicyBinder {
    static final List<String> SERVICE_KEYS = List.of("policy", "cooldown", "hooks", "verify");
    private static final List<String> HOOKS_KEYS = List.of("pre_update", "post_update");
    private static final List<String> HOOK_KEYS =
            List.of("exec", "host", "timeout", "output_dir", "output_extension", "keep", "pass_env");
    private static final Pattern EXTENSION = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,15}");

    private final Problems problems;
    private final VerifyBinder verify;

    PolicyBinder(Problems problems, EnvInterpolator interpolator) {
        this.problems = problems;
        this.verify = new VerifyBinder(problems, interpolator);
    }

    UpdatePolicy bind(MappingReader service) {
        UpdatePolicy.Kind kind = service.parsed("policy", "auto, notify, pin-major or approve", PolicyBinder::kind)
                .orElse(UpdatePolicy.Kind.AUTO);
        if (service.has("policy") && service.has("mode")) {
            problems.add(
                    service.lineOf("mode"),
                    service.pathOf("mode"),
                    "both mode and policy are set; expected only " + "policy (mode: monitor is policy: notify)");
        }
        Duration cooldown = service.duration("cooldown", Duration.ZERO).orElse(Duration.ZERO);
        Optional<MappingReader> hooks =
                service.reader("hooks", "a mapping with pre_update and/or post_update", HOOKS_KEYS);
        Optional<HookConfig> pre = hooks.flatMap(h -> hook(h, "pre_update"));
        Optional<HookConfig> post = hooks.flatMap(h -> hook(h, "post_update"));
        return new UpdatePolicy(kind, cooldown, pre, post, verify.bind(service));
    }

    private Optional<HookConfig> hook(MappingReader hooks, String key) {
        return hooks.reader(
                        key,
                        "a mapping such as {exec: [\"pg_dump\", \"-U\", \"app\", \"app\"], timeout: 10m}",
                        HOOK_KEYS)
                .flatMap(this::hook);
    }

    private Optional<HookConfig> hook(MappingReader hook) {
        boolean exec = hook.has("exec");
        boolean host = hook.has("host");
        if (exec == host) {
            problems.add(
                    hook.line(),
                    hook.path(),
                    (exec ? "both exec and host are set" : "neither exec nor host is set")
                            + "; expected exactly one: exec (a command run inside the container) or host (a command run on "
                            + "the host)");
            return Optional.empty();
        }
        String commandKey = exec ? "exec" : "host";
        Optional<List<String>> command = command(hook, commandKey);
        Duration timeout = hook.duration("timeout", Duration.ofSeconds(1)).orElse(HookConfig.DEFAULT_TIMEOUT);
        Optional<Path> outputDir = hook.parsed("output_dir", "an absolute directory path", PolicyBinder::directory);
        String extension = hook.parsed("output_extension", "a file extension such as sql", text -> {
                    if (!EXTENSION.matcher(text).matches()) {
                        throw new IllegalArgumentException(
                                "'" + text + "' is not a file extension; expected up to 16 letters, "
                                        + "digits, '.', '_' or '-', e.g. sql");
                    }
                    return text;
                })
                .orElse(HookConfig.DEFAULT_EXTENSION);
        int keep = keep(hook);
        if (!hook.has("output_dir")) {
            for (String key : List.of("output_extension", "keep")) {
                if (hook.has(key)) {
                    problems.add(
                            hook.lineOf(key),
                            hook.pathOf(key),
                            key + " only applies to a saved output; expected " + "output_dir set too, or no " + key);
                }
            }
        }
        List<String> passEnv = passEnv(hook, exec);
        if (command.isEmpty() || (hook.has("output_dir") && outputDir.isEmpty())) {
            return Optional.empty();
        }
        HookConfig config = new HookConfig(
                exec ? HookConfig.Where.EXEC : HookConfig.Where.HOST,
                command.get(),
                timeout,
                Optional.empty(),
                HookConfig.DEFAULT_EXTENSION,
                HookConfig.DEFAULT_KEEP);
        return Optional.of(outputDir
                .map(dir -> config.savingOutput(dir, extension, keep))
                .orElse(config)
                .passingEnv(passEnv));
    }

    /** Names of the agent's environment variables a host hook gets besides PATH, HOME, LANG and TZ. */
    private List<String> passEnv(MappingReader hook, boolean exec) {
        List<String> names = new ArrayList<>();
        if (exec && hook.has("pass_env")) {
            problems.add(
                    hook.lineOf("pass_env"),
                    hook.pathOf("pass_env"),
                    "pass_env only applies to a host hook; an exec hook runs with the container's environment");
            return names;
        }
        hook.forEachItem(
                "pass_env",
                "a list of environment variable names such as [PGPASSFILE]",
                (node, path) -> MappingReader.asText(node, path, problems, "an environment variable name")
                        .ifPresent(name -> {
                            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                                names.add(name);
                            } else {
                                problems.add(
                                        node.line(),
                                        path,
                                        // Not quoted: a secret pasted here by mistake must not reach the console.
                                        "not an environment variable name (the value is not shown); "
                                                + "expected e.g. PGPASSFILE");
                            }
                        }));
        return names;
    }

    private Optional<List<String>> command(MappingReader hook, String key) {
        return hook.sequence(key, "a command as a list of arguments, e.g. [\"pg_dump\", \"-U\", \"app\", \"app\"]")
                .flatMap(sequence -> {
                    if (sequence.items().isEmpty()) {
                        problems.add(
                                sequence.line(),
                                hook.pathOf(key),
                                "got an empty list; expected at least the " + "program to run");
                        return Optional.empty();
                    }
                    List<String> arguments = new ArrayList<>();
                    for (int i = 0; i < sequence.items().size(); i++) {
                        MappingReader.asText(
                                        sequence.items().get(i),
                                        MappingReader.item(hook.pathOf(key), i),
                                        problems,
                                        "a string argument")
                                .ifPresent(arguments::add);
                    }
                    return arguments.size() == sequence.items().size() ? Optional.of(arguments) : Optional.empty();
                });
    }

    private int keep(MappingReader hook) {
        return hook.parsed("keep", "a number of files, at least 1", text -> {
                    try {
                        int n = Integer.parseInt(text);
                        if (n >= 1 && n <= 10_000) {
                            return n;
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    throw new IllegalArgumentException(
                            "'" + text + "' is not a number of files to keep; expected 1-10000");
                })
                .orElse(HookConfig.DEFAULT_KEEP);
    }

    private static UpdatePolicy.Kind kind(String text) {
        return switch (text) {
            case "auto" -> UpdatePolicy.Kind.AUTO;
            case "notify" -> UpdatePolicy.Kind.NOTIFY;
            case "pin-major" -> UpdatePolicy.Kind.PIN_MAJOR;
            case "approve" -> UpdatePolicy.Kind.APPROVE;
            default ->
                throw new IllegalArgumentException(
                        "'" + text + "' is not a policy; expected auto, notify, pin-major or approve");
        };
    }

    private static Path directory(String text) {
        try {
            Path path = Path.of(text);
            if (path.isAbsolute()) {
                return path.normalize();
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not an absolute path; expected an absolute directory, "
                + "e.g. /var/backups/redeploy-agent");
    }
}
