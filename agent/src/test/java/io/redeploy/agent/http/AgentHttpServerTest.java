package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.Check;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHttpServerTest {
    private static final String TOKEN = "s3cret-trigger-token-7f3a-0123456789abcdef";
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T18:00:00Z"));
    private final FakeControl control = new FakeControl();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AgentHttpServer server;
    private StateStore state;
    private AgentMetrics metrics;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Optional<Secret> token) {
        state = StateStore.open(stateDir, clock);
        metrics = new AgentMetrics(clock);
        server = AgentHttpServer.start(new HttpConfig("127.0.0.1", 0, token), control, state, metrics, clock);
    }

    private void startWithToken() {
        start(Optional.of(new Secret(TOKEN)));
    }

    // ---- /healthz

    @Test
    void healthyWhenSchedulerRunsPollIsRecentAndDockerAnswers() throws Exception {
        startWithToken();
        control.lastPollFinished = Optional.of(clock.instant().minus(Duration.ofMinutes(14)));

        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.get("reasons")).isEmpty();
        assertThat(body.get("scheduler").asText()).isEqualTo("running");
        assertThat(body.get("docker").asText()).isEqualTo("ok");
        assertThat(body.get("staleAfterSeconds").asLong()).isEqualTo(900);
        assertThat(body.get("lastPollAgeSeconds").asLong()).isEqualTo(840);
    }

    @Test
    void unhealthyWhileAServiceIsDownOrARegistryRejectsTheCredentials() throws Exception {
        startWithToken();
        control.lastPollFinished = Optional.of(clock.instant());
        control.problems = java.util.List.of(
                "web is down: exited (exit code 0)",
                "registry ghcr.io rejects the credentials since 2026-12-02T10:00Z");

        assertUnhealthy("web is down: exited (exit code 0)");
        assertUnhealthy("registry ghcr.io rejects the credentials");
    }

    @Test
    void unhealthyWhenTheSchedulerStopped() throws Exception {
        startWithToken();
        control.lastPollFinished = Optional.of(clock.instant());
        control.schedulerRunning = false;

        assertUnhealthy("scheduler not running");
    }

    @Test
    void unhealthyWhenTheLastPollIsOlderThanThreeIntervals() throws Exception {
        startWithToken();
        control.lastPollFinished = Optional.of(clock.instant().minus(Duration.ofMinutes(16)));

        assertUnhealthy("last poll finished 960s ago, more than 3 intervals (900s)");
    }

    @Test
    void unhealthyWhenDockerDoesNotAnswer() throws Exception {
        startWithToken();
        control.lastPollFinished = Optional.of(clock.instant());
        control.dockerAnswers = false;

        JsonNode body = assertUnhealthy("docker engine not answering");
        assertThat(body.get("docker").asText()).isEqualTo("unreachable");
    }

    @Test
    void beforeTheFirstPollHealthyOnlyDuringTheGracePeriod() throws Exception {
        startWithToken();
        clock.advance(Duration.ofMinutes(15));
        assertThat(get("/healthz").statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        assertUnhealthy("no poll finished in the 901s since start, more than 3 intervals (900s)");
    }

    @Test
    void aFailingControlIsReportedAsUnhealthyNotAsAnError() throws Exception {
        startWithToken();
        control.failure = new IllegalStateException("scheduler shut down");

        JsonNode body = assertUnhealthy("scheduler not running");
        assertThat(body.get("reasons").toString()).contains("docker engine not answering", "poll interval unknown");
    }

    @Test
    void everyFailedCheckIsListed() throws Exception {
        startWithToken();
        control.schedulerRunning = false;
        control.dockerAnswers = false;
        control.lastPollFinished = Optional.of(clock.instant().minus(Duration.ofHours(1)));

        JsonNode body = json.readTree(get("/healthz").body());
        assertThat(body.get("reasons")).hasSize(3);
    }

    private JsonNode assertUnhealthy(String reason) throws Exception {
        HttpResponse<String> response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("unhealthy");
        assertThat(body.get("reasons").toString()).contains(reason);
        return body;
    }

    // ---- /status

    @Test
    void statusDescribesEveryConfiguredServiceWithoutSecrets() throws Exception {
        startWithToken();
        control.nextPoll = Optional.of(Instant.parse("2026-11-25T18:05:00Z"));
        control.lastPollFinished = Optional.of(Instant.parse("2026-11-25T17:59:58Z"));
        state.recordCheck("web", "127.0.0.1:5000/team/web:main", Optional.of(OLD), Optional.of(NEW), Check.NEW_DIGEST);
        state.recordDeploy(
                "web",
                new DeployRecord(
                        OLD,
                        NEW,
                        Instant.parse("2026-11-25T17:59:00Z"),
                        Duration.ofMillis(12_500),
                        DeployRecord.DEPLOYED,
                        ""));
        state.markFailed("web", "sha256:" + "c".repeat(64));
        state.recordCheck("gone", "x:1", Optional.empty(), Optional.empty(), Check.OK);

        HttpResponse<String> response = get("/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(TOKEN);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("generatedAt").asText()).isEqualTo("2026-11-25T18:00:00Z");
        assertThat(body.get("nextPoll").asText()).isEqualTo("2026-11-25T18:05:00Z");
        assertThat(body.get("lastPollFinished").asText()).isEqualTo("2026-11-25T17:59:58Z");
        assertThat(body.get("services"))
                .extracting(s -> s.get("service").asText())
                .containsExactly("db", "web");

        JsonNode db = body.get("services").get(0);
        assertThat(db.get("image").isNull()).isTrue();
        assertThat(db.get("lastCheck").isNull()).isTrue();
        assertThat(db.get("lastDeploy").isNull()).isTrue();
        assertThat(db.get("failedDigests")).isEmpty();

        JsonNode web = body.get("services").get(1);
        assertThat(web.get("image").asText()).isEqualTo("127.0.0.1:5000/team/web");
        assertThat(web.get("tag").asText()).isEqualTo("main");
        assertThat(web.get("runningDigest").asText()).isEqualTo(NEW);
        assertThat(web.get("registryDigest").asText()).isEqualTo(NEW);
        assertThat(web.get("lastCheck").get("at").asText()).isEqualTo("2026-11-25T18:00:00Z");
        assertThat(web.get("lastCheck").get("result").asText()).isEqualTo("new-digest");
        JsonNode deploy = web.get("lastDeploy");
        assertThat(deploy.get("from").asText()).isEqualTo(OLD);
        assertThat(deploy.get("to").asText()).isEqualTo(NEW);
        assertThat(deploy.get("at").asText()).isEqualTo("2026-11-25T17:59:00Z");
        assertThat(deploy.get("durationSeconds").asDouble()).isEqualTo(12.5);
        assertThat(deploy.get("outcome").asText()).isEqualTo("deployed");
        assertThat(web.get("failedDigests")).extracting(JsonNode::asText).containsExactly("sha256:" + "c".repeat(64));
        assertThat(web.get("nextPoll").asText()).isEqualTo("2026-11-25T18:05:00Z");
        assertThat(web.has("history")).isFalse();
    }

    @Test
    void statusOfOneServiceIncludesItsHistory() throws Exception {
        startWithToken();
        state.recordDeploy(
                "web",
                new DeployRecord("", NEW, clock.instant(), Duration.ofSeconds(3), DeployRecord.FAILED, "pull failed"));

        JsonNode body = json.readTree(get("/status?service=web").body());

        assertThat(body.get("services")).hasSize(1);
        JsonNode history = body.get("services").get(0).get("history");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("from").isNull()).isTrue();
        assertThat(history.get(0).get("reason").asText()).isEqualTo("pull failed");

        JsonNode all = json.readTree(get("/status?history=true").body());
        assertThat(all.get("services").get(0).has("history")).isTrue();
        JsonNode without =
                json.readTree(get("/status?service=web&history=false").body());
        assertThat(without.get("services").get(0).has("history")).isFalse();
    }

    @Test
    void statusRejectsUnknownServicesAndBadQueries() throws Exception {
        startWithToken();

        assertProblem(get("/status?service=nope"), 404, "unknown_service");
        assertProblem(get("/status?servce=web"), 400, "bad_request");
        assertProblem(get("/status?history=maybe"), 400, "bad_request");
        assertProblem(get("/status?service=web&service=db"), 400, "bad_request");
        assertProblem(get("/status?service="), 400, "bad_request");
        assertThat(rawStatusLine("GET /status?service=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                .isEqualTo("HTTP/1.1 400");
        assertProblem(get("/healthz?verbose=1"), 400, "bad_request");
        assertThat(get("/status?service=w%65b").statusCode())
                .as("percent-decoded")
                .isEqualTo(200);
        assertThat(get("/status?&history").statusCode())
                .as("empty pairs ignored, bare flag is true")
                .isEqualTo(200);
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() throws Exception {
        startWithToken();
        HttpResponse<String> got = get("/status");

        HttpResponse<String> head = send(request("/status").method("HEAD", BodyPublishers.noBody()));

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length"))
                .contains(Integer.toString(got.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(head.headers().firstValue("Content-Type"))
                .isEqualTo(got.headers().firstValue("Content-Type"));
    }

    // ---- /metrics

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        startWithToken();
        metrics.pollStarted();
        metrics.pollFinished(Duration.ofMillis(300), true);
        metrics.registryResponse("ghcr.io", 200);
        metrics.deployFinished("web", DeployRecord.DEPLOYED, Duration.ofSeconds(12));

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("redeploy_polls_total{result=\"ok\"} 1")
                .contains("redeploy_registry_requests_total{registry=\"ghcr.io\",status=\"200\"} 1")
                .contains("redeploy_deploys_total{outcome=\"deployed\",service=\"web\"} 1");
        assertThat(send(request("/metrics").method("HEAD", BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(200);
    }

    // ---- POST /v1/update

    @Test
    void triggerIsDisabledWithoutAConfiguredToken() throws Exception {
        start(Optional.empty());

        assertProblem(post("/v1/update", "Bearer anything"), 503, "trigger_disabled");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void triggerWithoutAuthorizationIsRefused() throws Exception {
        startWithToken();

        HttpResponse<String> response = post("/v1/update", null);

        assertProblem(response, 401, "unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"redeploy-agent\"");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void triggerWithAWrongTokenOrSchemeIsRefused() throws Exception {
        startWithToken();

        for (String header : new String[] {
            "Bearer wrong",
            "Bearer " + TOKEN + "x",
            "Bearer " + TOKEN.substring(1),
            "Basic " + TOKEN,
            TOKEN,
            "Bearer",
            "Bearer    "
        }) {
            HttpResponse<String> response = post("/v1/update", header);
            assertProblem(response, 401, "unauthorized");
            assertThat(response.body()).doesNotContain(TOKEN);
        }
        assertThat(post("/v1/update", "Bearer wrong")
                        .headers()
                        .firstValue("WWW-Authenticate")
                        .orElseThrow())
                .contains("error=\"invalid_token\"");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void triggerWithTheRightTokenQueuesAPoll() throws Exception {
        startWithToken();

        HttpResponse<String> response = post("/v1/update", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("queued");
        assertThat(body.get("service").isNull()).isTrue();
        assertThat(control.triggered).containsExactly(Optional.empty());
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        startWithToken();

        assertThat(post("/v1/update", "bearer " + TOKEN).statusCode()).isEqualTo(202);
        assertThat(post("/v1/update", "BEARER " + TOKEN).statusCode()).isEqualTo(202);
        assertThat(control.triggered).hasSize(2);
    }

    @Test
    void triggerOfOneService() throws Exception {
        startWithToken();

        HttpResponse<String> response = post("/v1/update?service=web", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("service").asText()).isEqualTo("web");
        assertThat(control.triggered).containsExactly(Optional.of("web"));
    }

    @Test
    void triggerOfAnUnknownServiceIs404OnlyOnceAuthenticated() throws Exception {
        startWithToken();

        assertProblem(post("/v1/update?service=nope", null), 401, "unauthorized");
        assertProblem(post("/v1/update?service=nope", "Bearer " + TOKEN), 404, "unknown_service");
        assertProblem(post("/v1/update?servce=web", "Bearer " + TOKEN), 400, "bad_request");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void retryFailedClearsTheFailedDigestsBeforeTriggering() throws Exception {
        startWithToken();
        state.markFailed("web", NEW);
        state.markFailed("db", OLD);

        HttpResponse<String> response = post("/v1/update?service=web&retry_failed=true", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("clearedFailedDigests").asInt())
                .isEqualTo(1);
        assertThat(state.isFailed("web", NEW)).isFalse();
        assertThat(state.isFailed("db", OLD)).isTrue();
    }

    @Test
    void triggerWhenTheAgentCannotTakeItIs503() throws Exception {
        startWithToken();
        control.triggerFailure = new IllegalStateException("shutting down");

        assertProblem(post("/v1/update", "Bearer " + TOKEN), 503, "unavailable");
    }

    @Test
    void aSmallBodyIsAcceptedAndIgnored() throws Exception {
        startWithToken();

        HttpResponse<String> response = send(request("/v1/update")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(BodyPublishers.ofString("x".repeat(Dispatcher.MAX_BODY_BYTES))));

        assertThat(response.statusCode()).isEqualTo(202);
    }

    // ---- protocol errors

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        startWithToken();

        HttpResponse<String> getTrigger = get("/v1/update");
        assertProblem(getTrigger, 405, "method_not_allowed");
        assertThat(getTrigger.headers().firstValue("Allow")).contains("POST");

        HttpResponse<String> postStatus = post("/status", "Bearer " + TOKEN);
        assertProblem(postStatus, 405, "method_not_allowed");
        assertThat(postStatus.headers().firstValue("Allow")).contains("GET, HEAD");

        assertProblem(send(request("/healthz").DELETE()), 405, "method_not_allowed");
        assertProblem(send(request("/metrics").method("PUT", BodyPublishers.noBody())), 405, "method_not_allowed");
    }

    @Test
    void unknownPathsAre404() throws Exception {
        startWithToken();

        for (String path : new String[] {
            "/index.html", "/ui", "/status/", "/v1/update/x", "/healthz.json", "/v2/update", "/..%2fetc/passwd"
        }) {
            assertProblem(get(path), 404, "not_found");
        }
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        startWithToken();

        HttpResponse<String> declared = send(request("/v1/update")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(BodyPublishers.ofString("x".repeat(Dispatcher.MAX_BODY_BYTES + 1))));
        assertProblem(declared, 413, "payload_too_large");

        HttpResponse<String> chunked = send(request("/v1/update")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[4096]))));
        assertProblem(chunked, 413, "payload_too_large");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void aHugeDeclaredBodyIsRefusedWithoutBeingRead() throws Exception {
        startWithToken();
        assertThat(rawStatusLine("POST /v1/update HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n"))
                .isEqualTo("HTTP/1.1 413");
    }

    @Test
    void anUnexpectedFailureIsA500WithoutAStackTrace() throws Exception {
        startWithToken();
        control.failure = new IllegalStateException("boom at io.redeploy.secret.Place");

        HttpResponse<String> response = get("/status");

        assertProblem(response, 500, "internal_error");
        assertThat(response.body()).doesNotContain("boom", "at io.", "Exception");
    }

    // ---- lifecycle

    @Test
    void listensOnLoopbackAndRefusesAPortInUse() {
        startWithToken();
        HttpConfig sameAddress = new HttpConfig("127.0.0.1", server.port(), Optional.empty());

        assertThatThrownBy(() -> AgentHttpServer.start(sameAddress, control, state, metrics))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + server.port());
    }

    @Test
    void closeStopsListeningAndIsIdempotent() throws Exception {
        startWithToken();
        int port = server.port();
        assertThat(get("/healthz").statusCode()).isIn(200, 503);

        server.close();
        server.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }

    // ---- helpers

    /** The first 12 bytes of the answer to a hand-written request: for what HttpClient refuses to send. */
    private String rawStatusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return send(request(pathAndQuery).GET());
    }

    private HttpResponse<String> post(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder builder = request(pathAndQuery).POST(BodyPublishers.noBody());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return send(builder);
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
        return client.send(builder.build(), BodyHandlers.ofString());
    }

    private void assertProblem(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode())
                .as(response.uri() + " -> " + response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json; charset=utf-8");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("title").asText()).isEqualTo(error);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.get("message").asText()).isNotBlank();
    }
}
