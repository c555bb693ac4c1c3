package io.redeploy.agent;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigException;
import io.redeploy.agent.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar redeploy-agent.jar --config PATH [--check]}. Exit: 0 clean stop, 2 bad config or usage, 1 runtime failure. */
@Command(name = "redeploy-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Watches registry tags and redeploys their containers when a new build appears.")
public final class Main implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_CONFIG = 2;

    @Option(names = "--config", paramLabel = "PATH", defaultValue = "/etc/redeploy-agent/agent.yml",
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--check", description = "Validate the config, print a summary and exit.")
    boolean check;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> EXIT_RUNTIME);
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_CONFIG);
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        AgentConfig agentConfig;
        try {
            agentConfig = new ConfigLoader(System.getenv()).load(config);
        } catch (ConfigException e) {
            System.err.println("config: " + config + " has " + e.problems().size() + " problem(s):");
            e.problems().forEach(p -> System.err.println("config: " + p));
            return EXIT_CONFIG;
        }
        if (check) {
            System.out.println("config: " + config + " is valid: " + agentConfig.services().size() + " service(s): "
                    + String.join(", ", agentConfig.services().stream().map(s -> s.name() + "=" + s.image()).toList()));
            return EXIT_OK;
        }
        return runUntilSignal(agentConfig);
    }

    private int runUntilSignal(AgentConfig agentConfig) {
        CountDownLatch stop = new CountDownLatch(1);
        // Handle TERM/INT ourselves so a clean stop exits 0 (a JVM killed through its shutdown hooks exits 143).
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (Agent agent = Agent.start(agentConfig, Clock.systemUTC())) {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("event=agent.failed reason=\"{}\"", e.getMessage() == null ? e.toString() : e.getMessage());
            return EXIT_RUNTIME;
        }
        return EXIT_OK;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"redeploy-agent " + (v == null ? "dev" : v)};
        }
    }
}
