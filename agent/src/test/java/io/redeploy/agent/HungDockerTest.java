package io.redeploy.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.http.AgentControl;
import io.redeploy.agent.http.AgentHttpServer;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dockerd that accepts the connection and never answers must not freeze the HTTP endpoint (issue 16 item 6). */
class HungDockerTest {
    @TempDir
    Path stateDir;

    private final CountDownLatch dockerHangs = new CountDownLatch(1);
    private final AtomicInteger pings = new AtomicInteger();

    private void hungPing() {
        pings.incrementAndGet();
        try {
            dockerHangs.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void healthzAnswers503QuicklyWhileDockerHangsAndParallelProbesShareOnePing() throws Exception {
        DockerPing ping = new DockerPing(this::hungPing, Clock.systemUTC(), Duration.ofMillis(500));
        AgentHttpServer server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.empty()),
                control(ping),
                StateStore.open(stateDir, Clock.systemUTC()),
                new AgentMetrics(Clock.systemUTC()));
        HttpClient client = HttpClient.newHttpClient();
        try {
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> probes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                probes.add(client.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int dockerDown = 0;
            for (CompletableFuture<HttpResponse<String>> probe : probes) {
                HttpResponse<String> response = probe.get();
                assertThat(response.statusCode()).isEqualTo(503);
                // Beyond 4 workers and 32 queued, a probe is answered "overloaded" without waiting at all.
                assertThat(response.body()).containsAnyOf("docker engine not answering", "overloaded");
                dockerDown += response.body().contains("docker engine not answering") ? 1 : 0;
            }
            assertThat(dockerDown).isGreaterThan(0);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(pings.get())
                    .as("one ping in flight, however many probes")
                    .isEqualTo(1);
            // The other routes never waited on Docker at all.
            HttpResponse<String> status = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
        } finally {
            dockerHangs.countDown();
            server.close();
        }
    }

    @Test
    void anAnswerIsReusedForASecondThenAskedAgain() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T15:00:00Z"));
        AtomicInteger calls = new AtomicInteger();
        boolean[] up = {true};
        DockerPing ping = new DockerPing(
                () -> {
                    calls.incrementAndGet();
                    if (!up[0]) throw new IllegalStateException("docker: connection refused");
                },
                clock);

        assertThat(ping.answers()).isTrue();
        up[0] = false;
        clock.advance(Duration.ofMillis(900));
        assertThat(ping.answers()).as("cached").isTrue();
        assertThat(calls.get()).isEqualTo(1);
        clock.advance(Duration.ofMillis(200));
        assertThat(ping.answers()).isFalse();
        assertThat(calls.get()).isEqualTo(2);
    }

    private static AgentControl control(DockerPing ping) {
        Instant now = Instant.now();
        return new AgentControl() {
            @Override
            public boolean schedulerRunning() {
                return true;
            }

            @Override
            public Optional<Instant> lastPollFinished() {
                return Optional.of(now);
            }

            @Override
            public Optional<Instant> nextPoll() {
                return Optional.empty();
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMinutes(5);
            }

            @Override
            public boolean dockerAnswers() {
                return ping.answers();
            }

            @Override
            public Set<String> serviceNames() {
                return Set.of("web");
            }

            @Override
            public void triggerPoll(Optional<String> service) {}
        };
    }
}
