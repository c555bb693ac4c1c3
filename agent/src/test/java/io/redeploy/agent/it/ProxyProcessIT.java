package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent with a service behind its own port ({@code proxy}), as systemd runs it: SIGTERM closes the port
 * but lets a connection in flight finish, the app keeps running while the agent is down, and a restarted agent
 * points the port at the running container before its first poll.
 */
class ProxyProcessIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final TestImages IMAGES = new TestImages();

    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();
    private String name;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @AfterEach
    void cleanUp() {
        agents.forEach(AgentProcess::close);
        if (name != null) {
            LocalStack.removeContainersNamed(name);
        }
    }

    @AfterAll
    static void dropImages() {
        IMAGES.close();
    }

    @Test
    void sigtermClosesThePortAfterTheConnectionInFlightAndARestartServesBeforeItsFirstPoll() throws IOException {
        String repo = LocalStack.uniqueRepository("lc/proxy");
        String image = LocalStack.REGISTRY + "/" + repo;
        name = "lc-proxy-" + repo.substring(repo.length() - 8);
        int httpPort = LocalStack.freePort();
        int publicPort = LocalStack.freePort();
        Path config = writeConfig(
                httpPort,
                "  web:\n"
                        + "    image: " + image + "\n"
                        + "    tag: main\n"
                        + "    container_name: " + name + "\n"
                        + "    strategy: start-first\n"
                        + "    proxy: { listen: \"127.0.0.1:" + publicPort + "\", container_port: 8080, drain: 10s }\n"
                        + "    health: { type: http, port: 8080, path: /, timeout: 30s, interval: 200ms }\n"
                        + "    stop_timeout: 2s\n");
        IMAGES.publish(image + ":main", "1");

        AgentProcess first = start(httpPort, config);
        first.awaitLog("event=deploy.done", STEP);
        assertThat(LocalStack.answer(publicPort)).contains("build=1");

        try (Socket inFlight = new Socket("127.0.0.1", publicPort)) {
            inFlight.setSoTimeout(10_000);
            first.sigterm();
            first.awaitLog("event=agent.stopping", STEP);
            inFlight.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(inFlight.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response)
                    .as("the request on the connection open at SIGTERM")
                    .contains("build=1");
        }
        assertThat(first.awaitExit(STEP))
                .as("exit code after SIGTERM\n%s", first.stdout())
                .isEqualTo(0);
        assertThat(first.stdout()).contains("event=proxy.stopped service=web connections_cut=0");
        assertThat(catchThrowableOfType(() -> new Socket("127.0.0.1", publicPort).close(), ConnectException.class))
                .as("the port is closed while the agent is down")
                .isNotNull();
        assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.State.Running}}", name))
                .as("the app itself keeps running")
                .isEqualTo("true");

        AgentProcess second = start(httpPort, config);
        second.awaitLog("event=poll.done", STEP);
        String log = second.stdout();
        assertThat(log.indexOf("event=proxy.switched service=web from=none"))
                .as("pointed at the running container before the first poll\n%s", log)
                .isBetween(0, log.indexOf("event=poll.done"));
        assertThat(LocalStack.answer(publicPort)).contains("build=1");
        assertThat(log).doesNotContain("event=deploy.start");
    }

    private AgentProcess start(int httpPort, Path config) {
        AgentProcess agent =
                AgentProcess.start(dir, "agent-" + (agents.size() + 1), httpPort, "--config", config.toString());
        agents.add(agent);
        return agent;
    }

    private Path writeConfig(int httpPort, String services) throws IOException {
        String yaml = "state_dir: " + dir.resolve("state") + "\n"
                + "schedule: { interval: 1h }\n"
                + "http: { listen: \"127.0.0.1:" + httpPort + "\", trigger_token_env: " + AgentProcess.TOKEN_ENV
                + " }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + "services:\n" + services;
        return Files.writeString(
                dir.resolve("agent-" + UUID.randomUUID().toString().substring(0, 8) + ".yml"), yaml);
    }
}
