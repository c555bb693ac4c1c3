package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 6: with every worker busy and the queue full, the next request used to run on the server's accepting
 * thread; one slow request there and nothing more was accepted, {@code /healthz} included. Now the overflow is
 * answered 503 with {@code Retry-After} at once.
 */
class OverloadAttackTest {
    @TempDir
    Path stateDir;

    @Test
    void aFloodOfSlowRequestsGets503sAndHealthzIsStillAnswered() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T15:00:00Z"));
        FakeControl control = new FakeControl();
        control.lastPollFinished = Optional.of(clock.instant());
        control.slow = new CountDownLatch(1);
        AgentHttpServer server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.empty()),
                control,
                StateStore.open(stateDir, clock),
                new AgentMetrics(clock),
                clock);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                flood.add(client.sendAsync(request(server, "/status", 30), HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(1000); // let them all be accepted: 4 running, 32 queued, the rest overflowing

            HttpResponse<String> health =
                    client.send(request(server, "/healthz", 5), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("overloaded");
            assertThat(health.headers().firstValue("Retry-After")).contains("1");
        } finally {
            control.slow.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> response : flood) {
            assertThat(response.get().statusCode()).isIn(200, 503);
        }
        assertThat(flood.stream().filter(r -> r.join().statusCode() == 503)).isNotEmpty();
        assertThat(client.send(request(server, "/healthz", 5), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        server.close();
    }

    private static HttpRequest request(AgentHttpServer server, String path, int timeoutSeconds) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .build();
    }
}
