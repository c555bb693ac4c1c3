package io.redeploy.agent;

import io.redeploy.agent.cli.ClientCommand;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigException;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.config.ServiceConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code java -jar redeploy-agent.jar [--config PATH] [--check]}: runs the agent, or checks its config.
 * Exit: 0 clean stop (SIGTERM/SIGINT) or valid config, 2 bad config or usage, 1 runtime failure.
 * {@code java -jar redeploy-agent.jar status|history|trigger|rollback|hold|release|approve ...}: asks the running agent
 * ({@link ClientCommand}, with its own exit codes).
 * Nothing here prints a stack trace: every failure an operator can cause is one readable line.
 */
@Command(
        name = "redeploy-agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Watches registry tags and redeploys their containers when a new build appears.")
public final class Main implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_CONFIG = 2;

    /** Runs the agent for a validated config until it is told to stop; throws when it cannot run. */
    @FunctionalInterface
    public interface AgentLauncher {
        /** Returns normally on a clean stop; any exception is a runtime failure (exit 1). */
        void runUntilStopped(AgentConfig config) throws Exception;

        /** {@code --check}'s read-only look at the engine: one line per service that cannot run as configured. */
        default List<String> preflight(AgentConfig config) {
            return List.of();
        }
    }

    /** The agent itself, and a preflight against the configured Docker engine. */
    private static final class ProductionLauncher implements AgentLauncher {
        @Override
        public void runUntilStopped(AgentConfig config) throws Exception {
            runUntilSignal(config);
        }

        @Override
        public List<String> preflight(AgentConfig config) {
            return StackPreflight.check(config);
        }
    }

    /** Environment variable names whose values are credentials, redacted from failure lines like config secrets. */
    private static final Pattern SECRET_VARIABLE =
            Pattern.compile("(?i).*(PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL).*");

    private static final int MIN_REDACTED_LENGTH = 4;

    @Option(
            names = "--config",
            paramLabel = "PATH",
            defaultValue = "/etc/redeploy-agent/agent.yml",
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--check",
            description = "Validate the config, print a one-line summary and a line for each service whose container "
                    + "cannot run as configured (read-only Docker inspections), and exit without starting anything.")
    boolean check;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final AgentLauncher launcher;

    private Main(Map<String, String> environment, PrintStream out, PrintStream err, AgentLauncher launcher) {
        this.environment = Map.copyOf(environment);
        this.out = out;
        this.err = err;
        this.launcher = launcher;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, new ProductionLauncher()));
    }

    /**
     * The whole CLI with its environment, streams and agent start injected, so tests run it without a JVM exit,
     * real signals or Docker. Public for the config package's CLI-level fuzz test.
     *
     * @return the process exit code
     */
    public static int run(
            String[] args, Map<String, String> environment, PrintStream out, PrintStream err, AgentLauncher launcher) {
        CommandLine cli = new CommandLine(new Main(environment, out, err, launcher));
        // The operator's commands: clients of the running agent's endpoint (docs/operations.md#cli).
        for (String action : ClientCommand.ACTIONS) {
            cli.addSubcommand(action, new ClientCommand(action, environment, out, err));
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        for (CommandLine command : Stream.concat(Stream.of(cli), cli.getSubcommands().values().stream())
                .toList()) {
            command.getCommandSpec().exitCodeOnInvalidInput(EXIT_CONFIG);
            command.getCommandSpec().exitCodeOnExecutionException(EXIT_RUNTIME);
        }
        // Usage after the message, "did you mean" or not: a typo of a command still shows what there is.
        cli.setParameterExceptionHandler((e, ignored) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
            failed.usage(failed.getErr());
            return EXIT_CONFIG;
        });
        // call() handles its own failures; this only guards against a bug printing picocli's stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("event=agent.failed reason=\"" + oneLine(describe(e)) + "\"");
            return EXIT_RUNTIME;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        AgentConfig agentConfig;
        try {
            agentConfig = new ConfigLoader(environment).load(config);
        } catch (ConfigException e) {
            List<String> problems = e.problems();
            err.println("config: " + config + " has " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "; nothing was started:");
            problems.forEach(p -> err.println("config: " + p));
            return EXIT_CONFIG;
        } catch (RuntimeException e) {
            // A bug in the loader, not in the file: exit 1 so it is never mistaken for a config problem.
            err.println("config: " + config + " could not be checked: internal error: " + oneLine(describe(e)));
            return EXIT_RUNTIME;
        }
        if (check) {
            out.println("config: " + config + " is valid: " + summary(agentConfig));
            // Not config errors: the stack may start after the agent, which checks again at every poll.
            launcher.preflight(agentConfig).forEach(line -> out.println("check: " + line));
            return EXIT_OK;
        }
        try {
            launcher.runUntilStopped(agentConfig);
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (Exception e) {
            err.println("event=agent.failed reason=\"" + redact(oneLine(describe(e)), agentConfig) + "\"");
            return EXIT_RUNTIME;
        }
    }

    /** The production launcher: starts the agent and blocks until SIGTERM or SIGINT. */
    private static void runUntilSignal(AgentConfig agentConfig) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        // Handle TERM/INT ourselves so a clean stop exits 0 (a JVM killed through its shutdown hooks exits 143).
        onSignal("TERM", stop);
        onSignal("INT", stop);
        try (Agent agent = Agent.start(agentConfig, Clock.systemUTC())) {
            stop.await();
        }
    }

    private static void onSignal(String name, CountDownLatch stop) {
        try {
            Signal.handle(new Signal(name), s -> stop.countDown());
        } catch (IllegalArgumentException reservedHere) {
            // The JVM or OS reserves this signal here; the other one still stops the agent.
        }
    }

    /** e.g. {@code 2 services (db=postgres:16, web=ghcr.io/acme/app:main), poll every 1m, http 127.0.0.1:8686}. */
    static String summary(AgentConfig config) {
        List<ServiceConfig> services = config.services();
        String schedule = config.schedule()
                .interval()
                .map(i -> "poll every " + describe(i))
                .orElseGet(() -> "poll on cron '" + config.schedule().cron().orElse("") + "'");
        String host = config.http().host().contains(":")
                ? "[" + config.http().host() + "]"
                : config.http().host();
        return services.size() + (services.size() == 1 ? " service (" : " services (")
                + String.join(
                        ", ",
                        services.stream()
                                .map(s -> s.name() + "="
                                        + s.declaredImage()
                                                .map(Object::toString)
                                                .orElse(s.describeSource()))
                                .toList())
                + "), "
                + schedule + ", http " + host + ":" + config.http().port();
    }

    private static String describe(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").replace("\"", "'");
    }

    /**
     * A failure message may quote what a component was given; config secrets and credential-like environment
     * variables never reach the journal through it. Longest first, so a secret containing another is fully hidden.
     */
    private String redact(String message, AgentConfig agentConfig) {
        Stream<String> configSecrets = Stream.concat(
                        agentConfig.registries().values().stream().map(RegistryConfig::password),
                        Stream.of(agentConfig.http().triggerToken()))
                .flatMap(java.util.Optional::stream)
                .map(Secret::reveal);
        Stream<String> environmentSecrets = environment.entrySet().stream()
                .filter(e -> SECRET_VARIABLE.matcher(e.getKey()).matches())
                .map(Map.Entry::getValue);
        String redacted = message;
        for (String secret : Stream.concat(configSecrets, environmentSecrets)
                .filter(Objects::nonNull)
                .map(String::strip)
                .filter(s -> s.length() >= MIN_REDACTED_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList()) {
            redacted = redacted.replace(secret, "****");
        }
        return redacted;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"redeploy-agent " + (v == null ? "dev" : v)};
        }
    }
}
