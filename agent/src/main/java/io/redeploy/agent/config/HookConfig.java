package io.redeploy.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A command run around a deploy: inside the service's container through the Docker API ({@code exec}) or on
 * the host ({@code host}).
 *
 * @param outputDir when set, the command's stdout is saved gzip-compressed as
 *                  {@code <dir>/<service>-<UTC timestamp>.<outputExtension>.gz} (a database dump), and only the
 *                  newest {@code keep} such files of the service are kept
 * @param passEnv   for a host hook, the names of the agent's environment variables it gets besides
 *                  {@link #BASE_ENV} (the agent's environment holds registry passwords and tokens)
 */
public record HookConfig(
        Where where,
        List<String> command,
        Duration timeout,
        Optional<Path> outputDir,
        String outputExtension,
        int keep,
        List<String> passEnv) {

    /** What every host hook gets from the agent's environment: enough to find programs and print dates. */
    public static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "TZ");

    /** The exit code with which a hook says "not now": the deploy is skipped and tried again at the next poll. */
    public static final int EXIT_SKIP = 75;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_KEEP = 7;
    public static final String DEFAULT_EXTENSION = "out";

    public enum Where {
        EXEC,
        HOST
    }

    public HookConfig {
        command = List.copyOf(command);
        passEnv = List.copyOf(passEnv);
    }

    public HookConfig(
            Where where,
            List<String> command,
            Duration timeout,
            Optional<Path> outputDir,
            String outputExtension,
            int keep) {
        this(where, command, timeout, outputDir, outputExtension, keep, List.of());
    }

    /** {@link #BASE_ENV} and {@code passEnv}: every name a host hook may take from the agent's environment. */
    public List<String> passEnvWithBase() {
        return java.util.stream.Stream.concat(BASE_ENV.stream(), passEnv.stream())
                .distinct()
                .toList();
    }

    /** The same hook, passing these variables of the agent's environment on as well. */
    public HookConfig passingEnv(List<String> names) {
        return new HookConfig(where, command, timeout, outputDir, outputExtension, keep, names);
    }

    public static HookConfig exec(List<String> command, Duration timeout) {
        return new HookConfig(Where.EXEC, command, timeout, Optional.empty(), DEFAULT_EXTENSION, DEFAULT_KEEP);
    }

    public static HookConfig host(List<String> command, Duration timeout) {
        return new HookConfig(Where.HOST, command, timeout, Optional.empty(), DEFAULT_EXTENSION, DEFAULT_KEEP);
    }

    public HookConfig savingOutput(Path dir, String extension, int keepNewest) {
        return new HookConfig(where, command, timeout, Optional.of(dir), extension, keepNewest, passEnv);
    }

    /** The program and where it runs, not its arguments: those may hold a password (pg_dump's connection string). */
    @Override
    public String toString() {
        return "HookConfig[" + where.name().toLowerCase(java.util.Locale.ROOT) + " " + command.get(0) + " ..., timeout="
                + timeout + ", outputDir=" + outputDir.map(Path::toString).orElse("none") + ", keep=" + keep + "]";
    }
}
