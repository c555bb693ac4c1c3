package io.redeploy.agent.it.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The repository's docker-compose.yml run by the real compose CLI in a project directory of its own, with a
 * generated .env ({@link ComposeEnv}): names that cannot collide with a real survey stack on the same engine.
 * Every command returns its exit code and output ({@link CommandResult}); {@link #close()} removes what the stack
 * created (containers, network, volumes), also when the test failed half-way.
 *
 * <p>The compose CLI: {@code -Dredeploy.compose="docker compose"} (or env REDEPLOY_COMPOSE) chooses it; by default
 * Debian's {@code docker-compose} (v1) when installed, else the {@code docker compose} plugin (v2).
 */
public final class ComposeStack implements AutoCloseable {
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    /** up waits for the database's health check (depends_on: service_healthy) and may pull both images. */
    static final Duration UP_TIMEOUT = Duration.ofMinutes(5);

    private final Path directory;
    private final List<String> compose;
    private ComposeEnv env;

    private ComposeStack(Path directory, List<String> compose, ComposeEnv env) {
        this.directory = directory;
        this.compose = compose;
        this.env = env;
    }

    /**
     * Copies {@code composeFile} into {@code directory} and writes the .env for {@code env}. Refuses a compose file
     * that interpolates a variable the .env does not set: it would fall back to the real stack's names.
     */
    public static ComposeStack create(Path directory, Path composeFile, ComposeEnv env) throws IOException {
        String text = Files.readString(composeFile);
        Set<String> unset = env.unsetVariablesOf(text);
        if (!unset.isEmpty()) {
            throw new IllegalStateException(composeFile + " interpolates " + unset
                    + ", which ComposeEnv does not set: the stack would use the real stack's defaults");
        }
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("docker-compose.yml"), text);
        ComposeStack stack = new ComposeStack(directory, composeCommand(), env);
        stack.writeEnv();
        return stack;
    }

    /** The compose CLI, as a command prefix: see the class comment. */
    static List<String> composeCommand() {
        String configured = System.getProperty("redeploy.compose", System.getenv("REDEPLOY_COMPOSE"));
        if (configured != null && !configured.isBlank()) {
            return List.of(configured.trim().split("\\s+"));
        }
        Path here = Path.of("").toAbsolutePath();
        if (Commands.run(here, Duration.ofSeconds(30), "docker-compose", "version")
                .succeeded()) {
            return List.of("docker-compose");
        }
        if (Commands.run(here, Duration.ofSeconds(30), "docker", "compose", "version")
                .succeeded()) {
            return List.of("docker", "compose");
        }
        throw new IllegalStateException("neither docker-compose (Debian: apt-get install docker-compose, which .ci/run"
                + " does) nor the docker compose plugin is installed");
    }

    public ComposeEnv env() {
        return env;
    }

    public Path directory() {
        return directory;
    }

    /** The compose CLI this stack runs, e.g. [docker-compose]. */
    public List<String> composeCli() {
        return compose;
    }

    /** Rewrites the .env with another app image; the next {@link #up()} recreates the app with it. */
    public void useWebImage(String image) throws IOException {
        env = env.withWebImage(image);
        writeEnv();
    }

    /** {@code compose ARGS...} in the project directory. */
    public CommandResult run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("--ansi", "never"));
        command.addAll(List.of(args));
        // The shell's values would win over .env: the stack's must not depend on who runs the test.
        Set<String> inherited = new LinkedHashSet<>(env.variables().keySet());
        inherited.add("COMPOSE_*");
        return Commands.run(command, directory, inherited, Map.of(), timeout, Set.of(env.password()));
    }

    public CommandResult config() {
        return run(COMMAND_TIMEOUT, "config");
    }

    public CommandResult pull() {
        return run(UP_TIMEOUT, "pull");
    }

    /** {@code up -d}: creates what is missing, recreates what changed, starts the rest; never builds. */
    public CommandResult up() {
        return run(UP_TIMEOUT, "up", "-d", "--no-build");
    }

    public CommandResult ps() {
        return run(COMMAND_TIMEOUT, "ps");
    }

    public CommandResult logs(String... services) {
        return run(COMMAND_TIMEOUT, withServices(List.of("logs", "--no-color"), services));
    }

    /** {@code exec -T SERVICE COMMAND...}: no terminal, output captured. */
    public CommandResult exec(String service, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", "-T", service));
        args.addAll(List.of(command));
        return run(COMMAND_TIMEOUT, args.toArray(String[]::new));
    }

    public CommandResult restart(String... services) {
        return run(COMMAND_TIMEOUT, withServices(List.of("restart"), services));
    }

    public CommandResult stop(String... services) {
        return run(COMMAND_TIMEOUT, withServices(List.of("stop"), services));
    }

    public CommandResult start(String... services) {
        return run(UP_TIMEOUT, withServices(List.of("start"), services));
    }

    /** {@code down -v}: containers, the network and the named volumes. */
    public CommandResult down() {
        return run(COMMAND_TIMEOUT, "down", "-v", "--remove-orphans");
    }

    /**
     * {@code down -v}, then whatever is still there under this stack's own names (a down that failed, a compose that
     * is not installed): removed with the docker CLI, by exact name. Failures are ignored: this is cleanup.
     */
    @Override
    public void close() {
        run(COMMAND_TIMEOUT, "down", "-v", "--remove-orphans");
        Duration t = Duration.ofSeconds(60);
        Commands.run(directory, t, "docker", "rm", "-f", env.webContainer(), env.dbContainer(), env.caddyContainer());
        Commands.run(directory, t, "docker", "volume", "rm", "-f", env.volume(), env.caddyVolume());
        Commands.run(directory, t, "docker", "network", "rm", env.network());
    }

    private void writeEnv() throws IOException {
        Files.writeString(directory.resolve(".env"), env.render());
    }

    private static String[] withServices(List<String> head, String... services) {
        List<String> args = new ArrayList<>(head);
        args.addAll(List.of(services));
        return args.toArray(String[]::new);
    }
}
