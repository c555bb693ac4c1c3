package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
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

/** POST /v1/approve over the real server and a fake agent: guarded and refused like the other actions. */
class ApprovalEndpointsTest {
    private static final String TOKEN = "approval-test-token-7c2d";
    private static final String DIGEST = "sha256:" + "d".repeat(64);

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
        audit = AuditLog.open(stateDir);
        server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.of(new Secret(TOKEN))),
                control,
                StateStore.open(stateDir, clock),
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
    void anApprovalIsAcceptedWithItsDigestAndWhoGaveIt() throws Exception {
        HttpResponse<String> response = post("/v1/approve?service=web&digest=" + DIGEST + "&by=alice", TOKEN);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("approved");
        assertThat(body.get("digest").asText()).isEqualTo(DIGEST);
        assertThat(body.get("by").asText()).isEqualTo("alice");
        assertThat(control.actions).containsExactly("approve web " + DIGEST + " alice");
    }

    @Test
    void withoutADigestWhateverWaitsIsApprovedByTheToken() throws Exception {
        assertThat(post("/v1/approve?service=web", TOKEN).statusCode()).isEqualTo(202);
        assertThat(control.actions).containsExactly("approve web - token");
    }

    @Test
    void itNeedsTheTokenAndAPost() throws Exception {
        assertProblem(post("/v1/approve?service=web", null), 401, "unauthorized");
        assertProblem(post("/v1/approve?service=web", "wrong"), 401, "unauthorized");
        HttpResponse<String> get = client.send(
                HttpRequest.newBuilder(uri("/v1/approve?service=web"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(get, 405, "method_not_allowed");
        assertThat(control.actions).isEmpty();
    }

    @Test
    void badParametersAreRefusedBeforeTheAgentIsAsked() throws Exception {
        assertProblem(post("/v1/approve", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/approve?service=web&digest=latest", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/approve?service=web&digest=sha256:123", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/approve?service=web&by=a%20b", TOKEN), 400, "bad_request");
        assertProblem(post("/v1/approve?service=web&to=" + DIGEST, TOKEN), 400, "bad_request");
        assertThat(control.actions).isEmpty();
    }

    @Test
    void theAgentsRefusalsAreProblemBodies() throws Exception {
        control.refusal = new AgentControl.Refused(404, "unknown_service", "no configured service is named 'x'");
        assertProblem(post("/v1/approve?service=x", TOKEN), 404, "unknown_service");
        control.refusal = new AgentControl.Refused(409, "no_pending_approval", "nothing waits");
        assertProblem(post("/v1/approve?service=web", TOKEN), 409, "no_pending_approval");
        control.refusal = new AgentControl.Refused(409, "not_pending", "superseded");
        assertProblem(post("/v1/approve?service=web&digest=" + DIGEST, TOKEN), 409, "not_pending");
        control.refusal = new AgentControl.Refused(409, "already_approved", "approved by alice");
        assertProblem(post("/v1/approve?service=web&digest=" + DIGEST, TOKEN), 409, "already_approved");
        assertThat(control.actions).isEmpty();
    }

    @Test
    void aLinksGetShowsAConfirmationFormAndChangesNothing() throws Exception {
        HttpResponse<String> page = client.send(
                HttpRequest.newBuilder(uri("/v1/approve/link?token=abc.def"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.body())
                .contains("method=\"post\" action=\"/v1/approve/link?token=abc.def\"", "id=\"approve\"")
                .contains("sha256:" + "c".repeat(64));
        assertThat(control.actions).containsExactly("preview abc.def");
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void aLinksPostApprovesWithoutTheBearerToken() throws Exception {
        HttpResponse<String> page = post("/v1/approve/link?token=abc.def", null);

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("approved");
        assertThat(control.actions).containsExactly("approve-link abc.def");
    }

    @Test
    void aRefusedLinkIsAPageWithTheReason() throws Exception {
        control.refusal = new AgentControl.Refused(410, "link_expired", "the approve link expired at ...");
        HttpResponse<String> expired = post("/v1/approve/link?token=abc.def", null);
        control.refusal = new AgentControl.Refused(403, "invalid_link", "the approve link is not valid");
        HttpResponse<String> forged = client.send(
                HttpRequest.newBuilder(uri("/v1/approve/link?token=x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("expired");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(control.actions).isEmpty();
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
