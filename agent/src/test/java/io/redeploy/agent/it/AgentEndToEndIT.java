package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.state.DeployRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent (scheduler, registry client, Docker, state) against the real engine and registry:
 * what an operator would see after pushing builds.
 */
class AgentEndToEndIT {
    private static final Duration DEPLOY_WAIT = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;

    private final List<Agent> agents = new ArrayList<>();
    private final List<String> containerPrefixes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
    }

    @AfterEach
    void cleanUp() throws Exception {
        agents.forEach(Agent::close);
        for (AutoCloseable c : closeables) c.close();
        containerPrefixes.forEach(LocalStack::removeContainersNamed);
    }

    @Test
    void deploysTheFirstBuildThenReplacesItWithinOnePoll() {
        String repo = LocalStack.uniqueRepository("e2e/web");
        String name = "e2e-web-" + repo.substring(repo.length() - 8);
        int port = LocalStack.freePort();
        LocalStack.pushTestImage(LocalStack.REGISTRY + "/" + repo + ":main", "1");

        start(config("1s", webService("web", name, LocalStack.REGISTRY + "/" + repo, port, "")));
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));

        LocalStack.pushTestImage(LocalStack.REGISTRY + "/" + repo + ":main", "2");
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=2")));

        // The new build answers while its health gate still runs; the old container goes once the gate passed.
        await().atMost(DEPLOY_WAIT)
                .untilAsserted(
                        () -> assertThat(LocalStack.containersNamed(name)).containsExactly(name));
        assertThat(LocalStack.exec(
                        "docker",
                        "inspect",
                        "--format",
                        "{{index .Config.Labels \"redeploy-agent.managed\"}} {{index .Config.Labels \"redeploy-agent.service\"}}",
                        name))
                .isEqualTo("true web");
    }

    @Test
    void aBuildThatFailsItsHealthCheckIsRolledBackAndNotRetriedUntilANewerOne() {
        String repo = LocalStack.uniqueRepository("e2e/rollback");
        String name = "e2e-rb-" + repo.substring(repo.length() - 8);
        int port = LocalStack.freePort();
        String image = LocalStack.REGISTRY + "/" + repo;
        LocalStack.pushTestImage(image + ":main", "1");
        Agent agent = start(config("1s", webService("web", name, image, port, "")));
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));

        LocalStack.pushTestImage(image + ":main", "2-broken", "unhealthy");
        await().atMost(DEPLOY_WAIT).until(() -> lastOutcome(agent, "web").equals(Optional.of("rolled_back")));
        // The rollback starts the old container again; its server needs a moment to listen (longer on a loaded host).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));
        // The new build answers while its health gate still runs; the old container goes once the gate passed.
        await().atMost(DEPLOY_WAIT)
                .untilAsserted(
                        () -> assertThat(LocalStack.containersNamed(name)).containsExactly(name));

        int attemptsBefore = agent.state().get("web").history().size();
        int polls = agent.pollsCompleted();
        await().atMost(DEPLOY_WAIT).until(() -> agent.pollsCompleted() >= polls + 3);
        assertThat(agent.state().get("web").history()).hasSize(attemptsBefore);
        assertThat(agent.state().get("web").failedDigests()).hasSize(1);

        LocalStack.pushTestImage(image + ":main", "3");
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=3")));
    }

    @Test
    void aNamedVolumeKeepsItsDataAcrossARedeploy() {
        String repo = LocalStack.uniqueRepository("e2e/db");
        String suffix = repo.substring(repo.length() - 8);
        String name = "e2e-db-" + suffix;
        String volume = "e2e-data-" + suffix;
        int port = LocalStack.freePort();
        String image = LocalStack.REGISTRY + "/" + repo;
        LocalStack.pushTestImage(image + ":main", "1");
        Agent agent =
                start(config("1h", webService("db", name, image, port, "    volumes: [\"" + volume + ":/data\"]\n")));
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));
        LocalStack.exec("docker", "exec", name, "sh", "-c", "echo rows-that-must-survive > /data/table");

        LocalStack.pushTestImage(image + ":main", "2");
        agent.triggerPoll(Optional.empty());
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=2")));

        assertThat(LocalStack.exec("docker", "exec", name, "cat", "/data/table"))
                .isEqualTo("rows-that-must-survive");
        LocalStack.removeContainersNamed(name);
        LocalStack.exec("docker", "volume", "rm", volume);
    }

    @Test
    void dependenciesAreRecreatedBeforeTheirDependents() throws Exception {
        String suffix = LocalStack.uniqueRepository("x").substring(2);
        String dbImage = LocalStack.REGISTRY + "/e2e/order-db-" + suffix;
        String webImage = LocalStack.REGISTRY + "/e2e/order-web-" + suffix;
        int dbPort = LocalStack.freePort();
        int webPort = LocalStack.freePort();
        LocalStack.pushTestImage(dbImage + ":main", "db-1");
        LocalStack.pushTestImage(webImage + ":main", "web-1");
        // web is listed first: the order must come from depends_on, not from the file.
        Agent agent = start(config(
                "1h",
                webService("web", "e2e-order-web-" + suffix, webImage, webPort, "    depends_on: [db]\n")
                        + webService("db", "e2e-order-db-" + suffix, dbImage, dbPort, "")));
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(webPort).equals(Optional.of("build=web-1")));

        Process events = new ProcessBuilder(
                        "docker",
                        "events",
                        "--filter",
                        "type=container",
                        "--filter",
                        "event=start",
                        "--filter",
                        "label=redeploy-agent.managed=true",
                        "--format",
                        "{{.Actor.Attributes.name}}")
                .start();
        closeables.add(events::destroy);
        List<String> started = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; )
                    synchronized (started) {
                        started.add(line);
                    }
            } catch (Exception ignored) {
            }
        });
        reader.setDaemon(true);
        reader.start();
        Thread.sleep(500); // let `docker events` subscribe

        LocalStack.pushTestImage(webImage + ":main", "web-2");
        LocalStack.pushTestImage(dbImage + ":main", "db-2");
        agent.triggerPoll(Optional.empty());
        await().atMost(DEPLOY_WAIT)
                .until(() -> LocalStack.answer(webPort).equals(Optional.of("build=web-2"))
                        && LocalStack.answer(dbPort).equals(Optional.of("build=db-2")));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            synchronized (started) {
                return started.size() >= 2;
            }
        });

        synchronized (started) {
            assertThat(started).containsSubsequence("e2e-order-db-" + suffix, "e2e-order-web-" + suffix);
            assertThat(started.indexOf("e2e-order-db-" + suffix))
                    .isLessThan(started.indexOf("e2e-order-web-" + suffix));
        }
    }

    @Test
    void aRegistryOutageStopsNothingAndTheNextPollCatchesUp() throws Exception {
        SwitchableProxy registry = new SwitchableProxy(5000);
        closeables.add(registry);
        String repo = LocalStack.uniqueRepository("e2e/outage");
        String name = "e2e-out-" + repo.substring(repo.length() - 8);
        int port = LocalStack.freePort();
        LocalStack.pushTestImage(LocalStack.REGISTRY + "/" + repo + ":main", "1");
        String watched = "127.0.0.1:" + registry.port() + "/" + repo;
        Agent agent = start(config("1h", webService("web", name, watched, port, ""), registry.port()));
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));

        registry.down();
        LocalStack.pushTestImage(LocalStack.REGISTRY + "/" + repo + ":main", "2");
        int polls = agent.pollsCompleted();
        agent.triggerPoll(Optional.empty());
        await().atMost(DEPLOY_WAIT).until(() -> agent.pollsCompleted() > polls);
        assertThat(LocalStack.answer(port)).contains("build=1");
        assertThat(agent.state().get("web").lastCheck().orElseThrow().result()).startsWith("error");

        registry.up();
        agent.triggerPoll(Optional.empty());
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=2")));
        // The new build answers while its health gate still runs; the old container goes once the gate passed.
        await().atMost(DEPLOY_WAIT)
                .untilAsserted(
                        () -> assertThat(LocalStack.containersNamed(name)).containsExactly(name));
    }

    @Test
    void aContainerStoppedByHandIsDownWithinOnePollAndLeftStoppedUnlessReviveStopped() throws Exception {
        String repo = LocalStack.uniqueRepository("e2e/stopped");
        String image = LocalStack.REGISTRY + "/" + repo;
        String kept = "e2e-stop-" + repo.substring(repo.length() - 8);
        String revived = "e2e-rev-" + repo.substring(repo.length() - 8);
        int keptPort = LocalStack.freePort();
        int revivedPort = LocalStack.freePort();
        LocalStack.pushTestImage(image + ":main", "1");
        Agent agent = start(config(
                "1s",
                webService("kept", kept, image, keptPort, "")
                        + webService("revived", revived, image, revivedPort, "    revive_stopped: true\n")));
        await().atMost(DEPLOY_WAIT)
                .until(() -> LocalStack.answer(keptPort).isPresent()
                        && LocalStack.answer(revivedPort).isPresent());
        assertThat(healthz(agent)).startsWith("200");

        LocalStack.exec("docker", "stop", "-t", "1", kept, revived);

        await().atMost(Duration.ofSeconds(10)).until(() -> healthz(agent).startsWith("503"));
        assertThat(healthz(agent)).contains("kept is down: exited");
        assertThat(agent.state().get("kept").lastCheck().orElseThrow().result()).startsWith("down:");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> LocalStack.answer(revivedPort).isPresent());
        int polls = agent.pollsCompleted();
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.pollsCompleted() >= polls + 3);
        assertThat(LocalStack.answer(keptPort))
                .as("left stopped: an operator stopped it")
                .isEmpty();
        assertThat(healthz(agent)).startsWith("503").contains("kept is down").doesNotContain("revived is down");

        LocalStack.exec("docker", "start", kept);
        await().atMost(Duration.ofSeconds(30)).until(() -> healthz(agent).startsWith("200"));
    }

    /** {@code <status> <body>} of the agent's {@code /healthz}. */
    private static String healthz(Agent agent) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + agent.httpPort() + "/healthz"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private Agent start(String yaml) {
        try {
            AgentConfig config = new ConfigLoader(Map.of()).parse(yaml, "e2e");
            Agent agent = Agent.start(config, Clock.systemUTC());
            agents.add(agent);
            return agent;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> lastOutcome(Agent agent, String service) {
        return agent.state().get(service).lastDeploy().map(DeployRecord::outcome);
    }

    private String config(String interval, String services) {
        return config(interval, services, 0);
    }

    private String config(String interval, String services, int extraRegistryPort) {
        // Loopback registries speak plain HTTP without an entry, as with Docker; list only the one watched.
        String registry = extraRegistryPort == 0 ? LocalStack.REGISTRY : "127.0.0.1:" + extraRegistryPort;
        return "state_dir: " + stateDir + "\n"
                + "schedule: { interval: " + interval + " }\n"
                + "http: { listen: \"127.0.0.1:" + LocalStack.freePort() + "\" }\n"
                + "registries:\n  \"" + registry + "\": { insecure: true }\n"
                + "services:\n" + services;
    }

    private String webService(String service, String containerName, String image, int hostPort, String extra) {
        containerPrefixes.add(containerName);
        return "  " + service + ":\n"
                + "    image: " + image + "\n"
                + "    tag: main\n"
                + "    container_name: " + containerName + "\n"
                + "    ports: [\"127.0.0.1:" + hostPort + ":8080\"]\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 5s, interval: 200ms }\n"
                + "    stop_timeout: 1s\n"
                + extra;
    }
}
