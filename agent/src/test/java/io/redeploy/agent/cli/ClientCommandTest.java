package io.redeploy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.redeploy.agent.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI through {@link Main#run}, against an in-process stand-in for the agent's endpoint. */
class ClientCommandTest {
    private static final String TOKEN = "cli-test-token-9c2e";
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    @TempDir
    Path dir;

    private HttpServer server;
    /** "METHOD /path?query Authorization" of every request. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Path to "status body" answered there. */
    private final Map<String, String> answers = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            String answer = answers.getOrDefault(path, "404 {\"title\":\"not_found\",\"detail\":\"no such path\"}");
            int space = answer.indexOf(' ');
            byte[] body = answer.substring(space + 1).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer.substring(0, space)), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void statusIsATableWithTheHold() {
        answers.put(
                "/status",
                "200 {\"lastPollFinished\":\"2026-12-02T10:00:00Z\",\"nextPoll\":null,\"services\":["
                        + "{\"service\":\"web\",\"runningDigest\":\"" + D1 + "\",\"registryDigest\":\"" + D2 + "\","
                        + "\"lastCheck\":{\"at\":\"2026-12-02T10:00:00Z\",\"result\":\"new-digest (deferred: held)\"},"
                        + "\"lastDeploy\":null,\"hold\":{\"by\":\"alice\",\"since\":\"2026-12-02T09:00:00Z\",\"reason\":\"bad\"}}]}");

        Result r = run(Map.of(), "status", "--url", url());

        assertThat(r.code).as(r.err).isEqualTo(0);
        assertThat(r.out)
                .contains("SERVICE", "HOLD", "web", "sha256:111111111111", "sha256:222222222222")
                .contains("held by alice since 2026-12-02T09:00:00Z: bad")
                .doesNotContain(D1);
        assertThat(requests).containsExactly("GET /status null");
    }

    @Test
    void approveSendsTheDigestAndTheUserAndStatusShowsWhatWaits() {
        answers.put(
                "/v1/approve",
                "202 {\"status\":\"approved\",\"service\":\"web\",\"digest\":\"" + D2
                        + "\",\"by\":\"alice\",\"at\":\"2026-12-02T10:00:00Z\"}");
        answers.put(
                "/status",
                "200 {\"services\":[{\"service\":\"web\",\"runningDigest\":\"" + D1 + "\",\"approval\":"
                        + "{\"digest\":\"" + D2 + "\",\"since\":\"2026-12-02T09:00:00Z\",\"status\":\"pending\"}}]}");

        Result approved = run(
                Map.of(Endpoint.TOKEN_ENV, TOKEN, "USER", "alice"),
                "approve",
                "--service",
                "web",
                "--digest",
                D2,
                "--url",
                url());
        Result status = run(Map.of(), "status", "--url", url());

        assertThat(approved.code).as(approved.err).isEqualTo(0);
        assertThat(approved.out).contains("sha256:222222222222 of web approved by alice; a poll deploys it");
        assertThat(status.out).contains("APPROVAL", "pending sha256:222222222222 since 2026-12-02T09:00:00Z");
        assertThat(requests.get(0))
                .isEqualTo(
                        "POST /v1/approve?service=web&digest=" + D2.replace(":", "%3A") + "&by=alice Bearer " + TOKEN);
    }

    @Test
    void anApprovalOfASupersededBuildExitsFour() {
        answers.put(
                "/v1/approve",
                "409 {\"title\":\"not_pending\",\"detail\":\"sha256:11111111 is not the digest of web waiting\"}");
        Result r =
                run(Map.of(Endpoint.TOKEN_ENV, TOKEN), "approve", "--service", "web", "--digest", D1, "--url", url());
        assertThat(r.code).isEqualTo(4);
        assertThat(r.err).contains("approve: refused (409 not_pending)");
        assertThat(run(Map.of(), "approve", "--url", url()).code)
                .as("no --service")
                .isEqualTo(2);
    }

    @Test
    void jsonPrintsTheAgentsAnswerAsItIs() {
        answers.put("/status", "200 {\"services\":[]}");
        Result r = run(Map.of(), "status", "--json", "--url", url());
        assertThat(r.out.strip()).isEqualTo("{\"services\":[]}");
    }

    @Test
    void rollbackSendsTheTokenTheUserAndTheReason() {
        answers.put(
                "/v1/rollback",
                "202 {\"status\":\"queued\",\"service\":\"web\",\"from\":\"" + D2 + "\",\"to\":\"" + D1
                        + "\",\"hold\":{\"by\":\"alice\",\"since\":\"2026-12-02T09:00:00Z\",\"reason\":\"login broken\"}}");

        Result r = run(
                Map.of(Endpoint.TOKEN_ENV, TOKEN, "USER", "alice"),
                "rollback",
                "--service",
                "web",
                "--reason",
                "login broken",
                "--url",
                url());

        assertThat(r.code).as(r.err).isEqualTo(0);
        assertThat(requests)
                .containsExactly("POST /v1/rollback?service=web&reason=login%20broken&by=alice Bearer " + TOKEN);
        assertThat(r.out)
                .contains("rollback of web from sha256:222222222222 to sha256:111111111111 queued")
                .contains("held by alice");
        assertThat(r.out + r.err).doesNotContain(TOKEN);
    }

    @Test
    void aRefusalExitsFourWithTheAgentsReason() {
        answers.put("/v1/hold", "409 {\"title\":\"already_held\",\"detail\":\"web is already held by bob\"}");
        Result r = run(Map.of(Endpoint.TOKEN_ENV, TOKEN), "hold", "--service", "web", "--url", url());
        assertThat(r.code).isEqualTo(4);
        assertThat(r.err).contains("hold: refused (409 already_held): web is already held by bob");
    }

    @Test
    void aServerErrorExitsOne() {
        answers.put("/v1/update", "500 {\"title\":\"internal_error\",\"detail\":\"see the agent log\"}");
        Result r = run(Map.of(Endpoint.TOKEN_ENV, TOKEN), "trigger", "--url", url());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("see the agent log");
    }

    @Test
    void anAgentThatIsNotRunningExitsThreeWithAClearMessage() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Result r = run(Map.of(), "status", "--url", "http://127.0.0.1:" + port);
        assertThat(r.code).isEqualTo(3);
        assertThat(r.err).contains("the agent is not running at http://127.0.0.1:" + port);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run(Map.of(), "hold", "--url", url()).code).isEqualTo(2);
        assertThat(run(Map.of(), "release", "--url", url()).err).contains("--service is required");
        assertThat(run(Map.of(), "status", "--bogus").code).isEqualTo(2);
        assertThat(run(Map.of(), "status", "--url", "ftp://x").code).isEqualTo(2);
        assertThat(requests).isEmpty();
    }

    @Test
    void theAddressComesFromTheConfigAndTheTokenFromTheUnitsEnvFile() throws IOException {
        answers.put(
                "/v1/release",
                "200 {\"status\":\"released\",\"service\":\"web\",\"released\":"
                        + "{\"by\":\"token\",\"since\":\"2026-12-02T09:00:00Z\",\"reason\":null}}");
        Path config = Files.writeString(
                dir.resolve("agent.yml"),
                "http:\n  listen: \"127.0.0.1:" + server.getAddress().getPort() + "\"\n"
                        + "  trigger_token_env: MY_TRIGGER_TOKEN\nservices: {}\n");
        Path envFile =
                Files.writeString(dir.resolve("agent.env"), "# secrets\nOTHER=x\nMY_TRIGGER_TOKEN=\"" + TOKEN + "\"\n");

        Result r = run(
                Map.of("USER", "bob"),
                "release",
                "--service",
                "web",
                "--config",
                config.toString(),
                "--env-file",
                envFile.toString());

        assertThat(r.code).as(r.err).isEqualTo(0);
        assertThat(requests).containsExactly("POST /v1/release?service=web&by=bob Bearer " + TOKEN);
        assertThat(r.out).contains("web released (it was held by token since 2026-12-02T09:00:00Z)");
    }

    @Test
    void readsCarryTheReadTokenFromTheConfigAndActionsTheTriggerToken() throws IOException {
        answers.put("/status", "200 {\"services\":[]}");
        answers.put("/v1/update", "202 {\"status\":\"queued\",\"service\":null}");
        Path config = Files.writeString(
                dir.resolve("agent.yml"),
                "http:\n  listen: \"127.0.0.1:" + server.getAddress().getPort() + "\"\n"
                        + "  trigger_token_env: MY_TRIGGER_TOKEN\n  read_token_env: MY_READ_TOKEN\nservices: {}\n");
        Path envFile = Files.writeString(dir.resolve("agent.env"), "MY_READ_TOKEN=read-0123\n");
        Map<String, String> env = Map.of("MY_TRIGGER_TOKEN", TOKEN);

        String[] where = {"--config", config.toString(), "--env-file", envFile.toString()};
        assertThat(run(env, concat("status", where)).code).isEqualTo(0);
        assertThat(run(env, concat("trigger", where)).code).isEqualTo(0);
        assertThat(requests).containsExactly("GET /status Bearer read-0123", "POST /v1/update Bearer " + TOKEN);
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void aMissingTokenIsExplainedWithoutPrintingAny() {
        answers.put("/v1/update", "401 {\"title\":\"unauthorized\",\"detail\":\"a valid bearer token is required\"}");
        Result r = run(
                Map.of(),
                "trigger",
                "--url",
                url(),
                "--env-file",
                dir.resolve("none.env").toString());
        assertThat(r.code).isEqualTo(4);
        assertThat(r.err).contains("refused (401 unauthorized)").contains("no token: none found in REDEPLOY_TOKEN");
    }

    @Test
    void historyIsATableWithTheCursorOfTheNextPage() {
        answers.put(
                "/v1/history",
                "200 {\"records\":[{\"seq\":7,\"at\":\"2026-12-02T10:00:00Z\",\"service\":\"web\","
                        + "\"kind\":\"rollback\",\"outcome\":\"deployed\",\"from\":\"" + D2 + "\",\"to\":\"" + D1
                        + "\","
                        + "\"by\":\"alice\",\"reason\":\"bad\"}],\"next\":\"7\"}");
        Result r = run(Map.of(), "history", "--service", "web", "--limit", "1", "--url", url());
        assertThat(r.code).as(r.err).isEqualTo(0);
        assertThat(r.out).contains("SEQ", "rollback", "alice", "sha256:111111111111", "older records: --cursor 7");
        assertThat(requests).containsExactly("GET /v1/history?service=web&limit=1 null");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                config -> {
                    throw new AssertionError("a client command never starts the agent");
                });
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
