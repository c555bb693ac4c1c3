package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/rollback, /v1/hold, /v1/release and GET /v1/history over the real server and a fake agent. */
class ActionEndpointsTest {
    private static final String TOKEN = "actions-test-token-5e1b";

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T18:00:00Z"));
    private final FakeControl control = new FakeControl();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private AuditLog audit;
    private AgentHttpServer server;

    @BeforeEach
    void start() {
        StateStore state = StateStore.open(stateDir, clock);
        audit = AuditLog.open(stateDir);
        server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.of(new Secret(TOKEN))),
                control,
                state,
                audit,
                new AgentMetrics(clock),
                clock);
    }

    @AfterEach
    void stop() {
        server.close();
        audit.close();
    }

    @Test
    void aRollbackIsQueuedWithItsHold() throws Exception {
        HttpResponse<String> response = post("/v1/rollback?service=web&reason=login%20broken&by=alice", TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("queued");
        assertThat(body.get("to").asText()).isEqualTo("sha256:" + "a".repeat(64));
        assertThat(body.get("hold").get("by").asText()).isEqualTo("alice");
        assertThat(control.actions).containsExactly("rollback web - alice login broken");
    }

    @Test
    void withoutAUserNameTheActorIsTheToken() throws Exception {
        assertThat(post("/v1/hold?service=web&reason=freeze", TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(post("/v1/release?service=web", TOKEN).statusCode()).isEqualTo(200);
        assertThat(control.actions).containsExactly("hold web token freeze", "release web token");
    }

    @Test
    void everyActionNeedsTheToken() throws Exception {
        for (String path :
                new String[] {"/v1/rollback?service=web", "/v1/hold?service=web", "/v1/release?service=web"}) {
            assertProblem(post(path, null), 401, "unauthorized");
            assertProblem(post(path, "wrong"), 401, "unauthorized");
        }
        assertThat(control.actions).isEmpty();
    }

    @Test
    void theAgentsRefusalsAreProblemBodies() throws Exception {
        control.refusal = new AgentControl.Refused(404, "unknown_service", "no configured service is named 'x'");
        assertProblem(post("/v1/hold?service=x", TOKEN), 404, "unknown_service");
        control.refusal = new AgentControl.Refused(404, "unknown_digest", "not in the deploy history");
        assertProblem(post("/v1/rollback?service=web&to=sha256:12345678", TOKEN), 404, "unknown_digest");
        control.refusal = new AgentControl.Refused(409, "deploy_in_progress", "a deploy of web is running");
        assertProblem(post("/v1/rollback?service=web", TOKEN), 409, "deploy_in_progress");
        control.refusal = new AgentControl.Refused(409, "already_held", "web is already held");
        assertProblem(post("/v1/hold?service=web", TOKEN), 409, "already_held");
        control.refusal = new AgentControl.Refused(409, "not_held", "web is not held");
        assertProblem(post("/v1/release?service=web", TOKEN), 409, "not_held");
    }

    @Test
    void badParametersAreRefusedBeforeTheAgentIsAsked() throws Exception {
        assertProblem(post("/v1/hold", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/hold?service=web&by=a%20b", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/hold?service=web&reason=" + "x".repeat(501), TOKEN), 400, "bad_request");
        assertProblem(post("/v1/hold?service=web&reason=two%0Alines", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/rollback?service=web&to=latest", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/release?service=web&reason=x", TOKEN), 400, "bad_request");
        assertThat(control.actions).isEmpty();
    }

    @Test
    void theHistoryPagesNewestFirstWithACursor() throws Exception {
        for (int i = 1; i <= 5; i++) {
            audit.append(AuditRecord.of(
                    Instant.parse("2026-11-25T10:00:00Z").plusSeconds(i),
                    i == 3 ? "db" : "web",
                    AuditRecord.DEPLOY,
                    "deployed",
                    "",
                    "sha256:" + i,
                    "agent",
                    ""));
        }
        JsonNode first = json.readTree(get("/v1/history?service=web&limit=2").body());
        assertThat(first.get("records").findValuesAsText("seq")).containsExactly("5", "4");
        String next = first.get("next").asText();
        JsonNode second = json.readTree(
                get("/v1/history?service=web&limit=2&cursor=" + next).body());
        assertThat(second.get("records").findValuesAsText("seq")).containsExactly("2", "1");
        assertThat(second.get("next").isNull()).isTrue();

        JsonNode since =
                json.readTree(get("/v1/history?since=2026-11-25T10:00:04Z").body());
        assertThat(since.get("records").findValuesAsText("seq")).containsExactly("5", "4");

        assertProblem(get("/v1/history?service=nope"), 404, "unknown_service");
        assertProblem(get("/v1/history?limit=0"), 400, "bad_request");
        assertProblem(get("/v1/history?since=yesterday"), 400, "bad_request");
        assertProblem(get("/v1/history?cursor=x"), 400, "bad_request");
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private void assertProblem(HttpResponse<String> response, int status, String title) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json; charset=utf-8");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("title").asText()).isEqualTo(title);
        assertThat(body.get("detail").asText()).isNotBlank();
    }
}
