package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.traffic.caddy.CaddyProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent with a service behind a real Caddy ({@code traffic: caddy}): Caddy keeps serving the app while
 * the agent is killed, and a restarted agent puts back the route a restarted Caddy lost before its first poll;
 * a new build is then switched through Caddy.
 */
class CaddyAgentProcessIT {
    private static final Duration STEP = Duration.ofSeconds(90);
    private static final TestImages IMAGES = new TestImages();

    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();
    private CaddyProcess caddy;
    private String name;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @AfterEach
    void cleanUp() throws Exception {
        agents.forEach(AgentProcess::close);
        if (name != null) {
            LocalStack.removeContainersNamed(name);
        }
        if (caddy != null) {
            caddy.close();
        }
    }

    @AfterAll
    static void dropImages() {
        IMAGES.close();
    }

    /** GET / with {@code Host: web.test} through Caddy's plain server: the body, or why it failed. */
    private String throughCaddy() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", caddy.httpPort()), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: web.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.contains(" 200 ")
                    ? response.substring(response.indexOf("\r\n\r\n") + 4).strip()
                    : "FAIL: " + response.lines().findFirst().orElse("no answer");
        } catch (IOException e) {
            return "FAIL: " + e;
        }
    }

    @Test
    void caddyServesWhileTheAgentIsDownAndARestartedAgentRestoresTheRouteBeforeItsFirstPoll() throws Exception {
        caddy = CaddyProcess.start();
        String repo = LocalStack.uniqueRepository("lc/caddy");
        String image = LocalStack.REGISTRY + "/" + repo;
        name = "lc-caddy-" + repo.substring(repo.length() - 8);
        int httpPort = LocalStack.freePort();
        Path config = writeConfig(
                httpPort,
                "  web:\n"
                        + "    image: " + image + "\n"
                        + "    tag: main\n"
                        + "    container_name: " + name + "\n"
                        + "    strategy: start-first\n"
                        + "    traffic:\n"
                        + "      caddy: { admin: \"" + caddy.adminUrl() + "\", server: " + CaddyProcess.PLAIN
                        + ", hosts: [web.test], container_port: 8080, drain: 5s }\n"
                        + "    health: { type: http, port: 8080, path: /, timeout: 30s, interval: 200ms }\n"
                        + "    stop_timeout: 2s\n");
        IMAGES.publish(image + ":main", "1");

        AgentProcess first = start(httpPort, config);
        first.awaitLog("event=deploy.done", STEP);
        assertThat(throughCaddy()).isEqualTo("build=1");

        first.kill9();
        assertThat(throughCaddy()).as("Caddy serves while the agent is down").isEqualTo("build=1");
        caddy.kill();
        caddy.startFromConfigFile();
        assertThat(throughCaddy())
                .as("Caddy restarted from its config file lost the route")
                .startsWith("FAIL");

        AgentProcess second = start(httpPort, config);
        second.awaitLog("event=poll.done", STEP);
        String log = second.stdout();
        assertThat(log.indexOf("event=caddy.route_created service=web"))
                .as("route put back before the first poll\n%s", log)
                .isBetween(0, log.indexOf("event=poll.done"));
        assertThat(throughCaddy()).isEqualTo("build=1");
        assertThat(log).doesNotContain("event=deploy.start");

        IMAGES.publish(image + ":main", "2");
        int mark = second.mark();
        assertThat(second.triggerPoll()).isEqualTo(202);
        second.awaitLog(mark, "event=deploy.done", STEP);
        assertThat(throughCaddy()).isEqualTo("build=2");
        assertThat(second.logSince(mark)).contains("event=caddy.switched service=web");
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
        return Files.writeString(dir.resolve("agent.yml"), yaml);
    }
}
