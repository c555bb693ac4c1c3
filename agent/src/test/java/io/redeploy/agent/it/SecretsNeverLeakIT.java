package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent handles a registry password, a wrong registry password, a trigger token, a wrong token
 * and a database password in a container's env, and a build that prints its DATABASE_URL as it crashes: none of them
 * may appear in its logs, /status, /metrics, /healthz, /v1/history, the status page, state.json or the audit
 * history, whatever succeeds or fails.
 */
class SecretsNeverLeakIT {
    private static final String AUTH_REGISTRY = "127.0.0.1:5001";
    private static final String REGISTRY_PASSWORD = "tester-secret"; // scripts/dev-stack.sh
    private static final String WRONG_REGISTRY_PASSWORD = "wrong-registry-secret-7c1f";
    private static final String DB_PASSWORD = "db-password-secret-92ab";
    private static final String WRONG_TRIGGER_TOKEN = "wrong-trigger-secret-5d3e";

    @TempDir
    Path dir;

    private final List<AgentProcess> agents = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        LocalStack.exec(
                "sh",
                "-c",
                "echo " + REGISTRY_PASSWORD + " | docker login " + AUTH_REGISTRY + " -u tester --password-stdin");
    }

    @AfterEach
    void cleanUp() {
        agents.forEach(AgentProcess::close);
        containers.forEach(LocalStack::removeContainersNamed);
    }

    @Test
    void noSecretAppearsInLogsStatusMetricsOrHealth() throws Exception {
        String repo = LocalStack.uniqueRepository("leak/web");
        String suffix = repo.substring(repo.length() - 8);
        String name = "leak-web-" + suffix;
        containers.add(name);
        int appPort = LocalStack.freePort();
        int httpPort = LocalStack.freePort();
        LocalStack.pushTestImage(AUTH_REGISTRY + "/" + repo + ":main", "1");

        // A webhook receiver on loopback: what the notification channel would get.
        List<String> notifications = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            notifications.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                state_dir: %s
                schedule: { interval: 1h }
                http: { listen: "127.0.0.1:%d", trigger_token_env: %s }
                notifications:
                  webhooks: [{ url: "http://127.0.0.1:%d/hook" }]
                registries:
                  "127.0.0.1:5001": { username: tester, password_env: REG_PASS }
                  "localhost:5001": { username: tester, password_env: WRONG_PASS }
                services:
                  web:
                    image: 127.0.0.1:5001/%s
                    tag: main
                    container_name: %s
                    env: { DB_PASSWORD: "${DB_PASS}", DATABASE_URL: "postgres://survey:${DB_PASS}@db/survey" }
                    ports: ["127.0.0.1:%d:8080"]
                    health: { type: http, port: 8080, timeout: 20s, interval: 200ms }
                    stop_timeout: 1s
                  rejected:
                    image: localhost:5001/%s
                    tag: main
                    container_name: leak-rejected-%s
                """.formatted(
                        dir.resolve("state"),
                        httpPort,
                        AgentProcess.TOKEN_ENV,
                        receiver.getAddress().getPort(),
                        repo,
                        name,
                        appPort,
                        repo,
                        suffix));

        AgentProcess agent = AgentProcess.start(
                dir,
                "agent",
                httpPort,
                Map.of("REG_PASS", REGISTRY_PASSWORD, "WRONG_PASS", WRONG_REGISTRY_PASSWORD, "DB_PASS", DB_PASSWORD),
                "--config",
                config.toString());
        agents.add(agent);
        agent.awaitLog("event=deploy.done service=web", Duration.ofSeconds(90));
        agent.awaitLog("event=registry.credentials_rejected registry=localhost:5001", Duration.ofSeconds(30));

        assertThat(agent.triggerPollWith("Bearer " + WRONG_TRIGGER_TOKEN)).isEqualTo(401);
        assertThat(agent.triggerPollWith("Basic " + WRONG_TRIGGER_TOKEN)).isEqualTo(401);
        // A build that prints its DATABASE_URL (with the password) and the password alone as it crashes.
        LocalStack.pushTestImage(AUTH_REGISTRY + "/" + repo + ":main", "2", "crash-env");
        assertThat(agent.triggerPoll()).isEqualTo(202);
        agent.awaitLog("event=deploy.rollback service=web", Duration.ofSeconds(90));
        agent.awaitLog("event=poll.done", 2, Duration.ofSeconds(60));

        List<String> surfaces = new ArrayList<>();
        for (String path : List.of(
                "/status",
                "/metrics",
                "/healthz",
                "/status?service=web",
                "/status?service=rejected",
                "/v1/history",
                "/")) {
            surfaces.add(agent.get(path).body());
        }
        agent.sigterm();
        assertThat(agent.awaitExit(Duration.ofSeconds(60))).isZero();
        surfaces.add(agent.stdout());
        surfaces.add(agent.stderr());
        surfaces.add(Files.readString(dir.resolve("state/state.json")));
        String history;
        try (var files = Files.list(dir.resolve("state/history"))) {
            history = files.map(f -> {
                        try {
                            return Files.readString(f);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .collect(java.util.stream.Collectors.joining("\n"));
        }
        assertThat(history).as("the audit history recorded the rollback").contains("rolled_back");
        surfaces.add(history);
        receiver.stop(0);
        String told = String.join("\n", notifications);
        assertThat(told).contains("deploy.rolled_back").contains("see /status or journalctl");
        assertThat(told).as("no log tail in notifications").doesNotContain("connecting to");
        surfaces.add(told);

        String everything = String.join("\n", surfaces);
        assertThat(everything).contains("credentials rejected"); // the failure is reported, just not its secret
        assertThat(everything).contains("connecting to ***"); // the crash's output is kept, its secrets hidden
        for (String secret : List.of(
                REGISTRY_PASSWORD, WRONG_REGISTRY_PASSWORD, DB_PASSWORD, AgentProcess.TOKEN, WRONG_TRIGGER_TOKEN)) {
            assertThat(everything).as("secret %s leaked", secret).doesNotContain(secret);
        }
    }
}
