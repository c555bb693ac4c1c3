package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.state.DeployRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One watched web service run by the whole agent (manual polls only) against the real engine and registry, for the
 * fault tests: start it, poll, wait for a build to answer, assert the stack is whole, and time a recovery.
 */
final class FaultStack implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(90);

    final String suffix;
    final String name;
    final String repository;
    final int port;
    private final Path stateDir;
    private final List<Agent> agents = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Agent agent;

    FaultStack(String area, Path stateDir) {
        this.repository = LocalStack.uniqueRepository("faults/" + area);
        this.suffix = repository.substring(repository.length() - 8);
        this.name = "faults-" + area + "-" + suffix;
        this.port = LocalStack.freePort();
        this.stateDir = stateDir;
    }

    /** repo:tag on the real registry (127.0.0.1:5000), where the tests push. */
    String pushRef() {
        return LocalStack.REGISTRY + "/" + repository + ":main";
    }

    Agent agent() {
        return agent;
    }

    void closeLater(AutoCloseable c) {
        closeables.add(c);
    }

    /** Starts the agent watching {@code registry/repository:main}; {@code extra} is appended to the service's YAML. */
    Agent start(String registry, String extra) {
        String yaml = "state_dir: " + stateDir + "\n"
                + "schedule: { interval: 1h }\n"
                + "http: { listen: \"127.0.0.1:" + LocalStack.freePort() + "\" }\n"
                + "registries:\n  \"" + registry + "\": { insecure: true }\n"
                + "services:\n"
                + "  web:\n"
                + "    image: " + registry + "/" + repository + "\n"
                + "    tag: main\n"
                + "    container_name: " + name + "\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 10s, interval: 200ms }\n"
                + "    stop_timeout: 1s\n"
                + (extra.contains("ports:") ? "" : "    ports: [\"127.0.0.1:" + port + ":8080\"]\n")
                + extra;
        try {
            AgentConfig config = new ConfigLoader(Map.of()).parse(yaml, "faults");
            agent = Agent.start(config, Clock.systemUTC());
            agents.add(agent);
            return agent;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void stopAgent() {
        agent.close();
    }

    /** Triggers a poll and returns once it has completed. */
    void poll() {
        int before = agent.pollsCompleted();
        agent.triggerPoll(Optional.empty());
        await().atMost(WAIT).until(() -> agent.pollsCompleted() > before);
    }

    void awaitAnswer(String build) {
        await().atMost(WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=" + build)));
    }

    /** The deploy of {@code build} is over (recorded) and the stack is whole on it. */
    void awaitDeployed(String build) {
        await().atMost(WAIT).until(() -> lastDeploy().isPresent() && isWhole(build));
    }

    Optional<DeployRecord> lastDeploy() {
        return agent.state().get("web").lastDeploy();
    }

    int deploys() {
        return agent.state().get("web").history().size();
    }

    /** Exactly one container under the name, running, answering {@code build}; no {@code .redeploy-old} leftover. */
    void assertWhole(String build) {
        assertThat(LocalStack.containersNamed(name)).containsExactly(name);
        assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.State.Status}}", name))
                .isEqualTo("running");
        assertThat(LocalStack.answer(port)).contains("build=" + build);
    }

    /** The stack is whole on {@code build}: what a recovery is timed to. */
    boolean isWhole(String build) {
        return LocalStack.answer(port).equals(Optional.of("build=" + build))
                && LocalStack.containersNamed(name).equals(List.of(name));
    }

    String containerId() {
        return LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", name);
    }

    /** Waits for {@code whole} and prints, for docs/reliability.md, how long it took from {@code faultRemoved}. */
    static void timeRecovery(String fault, Instant faultRemoved, BooleanSupplier whole) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(whole::getAsBoolean);
        System.out.println("reliability fault=" + fault + " recovery_ms="
                + Duration.between(faultRemoved, Instant.now()).toMillis());
    }

    /** Runs a command whose failure does not matter (clean-up, a reference already gone). */
    static void tryExec(String... command) {
        try {
            LocalStack.exec(command);
        } catch (IllegalStateException ignored) {
            // best effort
        }
    }

    @Override
    public void close() throws Exception {
        agents.forEach(Agent::close);
        for (AutoCloseable c : closeables) c.close();
        LocalStack.removeContainersNamed(name);
        // What the agent pulled and the builds pushed under this test's repository, by reference only: an image
        // id may be shared with TestImages' cache.
        String refs = LocalStack.exec(
                "docker", "images", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}");
        for (String ref : refs.split("\\s+")) {
            if (ref.contains("/" + repository) && !ref.endsWith(":<none>") && !ref.endsWith("@<none>")) {
                FaultStack.tryExec("docker", "rmi", ref);
            }
        }
    }
}
