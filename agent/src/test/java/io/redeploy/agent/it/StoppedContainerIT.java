package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker stop} of a watched container, seen from outside the packaged agent: within one poll {@code /healthz}
 * answers 503 naming the service and the log has one {@code service.down} WARN; a service with
 * {@code revive_stopped: true} is started again and answers.
 */
class StoppedContainerIT {
    private static final Duration POLL = Duration.ofSeconds(2);
    /** One poll interval, plus the time a poll itself takes on a loaded 2-core machine. */
    private static final Duration WITHIN_ONE_POLL = POLL.plusMillis(1500);

    private static final TestImages IMAGES = new TestImages();

    @TempDir
    Path dir;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String kept = "stop-kept-" + run;
    private final String revived = "stop-revived-" + run;
    private AgentProcess agent;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning();
        AgentProcess.jar();
    }

    @AfterEach
    void cleanUp() {
        if (agent != null) agent.close();
        for (String name : List.of(kept, revived)) {
            LocalStack.removeContainersNamed(name);
        }
        IMAGES.close();
    }

    @Test
    void aStoppedContainerIsDownWithinOnePollWith503AndOneWarn_andRevivedOnlyWithReviveStopped() throws IOException {
        String image = LocalStack.REGISTRY + "/" + LocalStack.uniqueRepository("it/stopped");
        IMAGES.publish(image + ":main", "1");
        int keptPort = LocalStack.freePort();
        int revivedPort = LocalStack.freePort();
        int httpPort = LocalStack.freePort();
        Path config = Files.writeString(
                dir.resolve("agent.yml"),
                "state_dir: " + dir.resolve("state") + "\n"
                        + "schedule: { interval: " + POLL.toSeconds() + "s }\n"
                        + "http: { listen: \"127.0.0.1:" + httpPort + "\" }\n"
                        + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                        + "services:\n"
                        + service("kept", kept, image, keptPort, "")
                        + service("revived", revived, image, revivedPort, "    revive_stopped: true\n"));
        agent = AgentProcess.start(dir, "agent", httpPort, "--config", config.toString());
        awaitUntil(
                Duration.ofSeconds(90),
                () -> LocalStack.answer(keptPort).isPresent()
                        && LocalStack.answer(revivedPort).isPresent());
        assertThat(agent.get("/healthz").statusCode()).isEqualTo(200);
        int mark = agent.mark();

        LocalStack.exec("docker", "stop", "-t", "1", kept, revived);
        Instant stopped = Instant.now();

        awaitUntil(
                WITHIN_ONE_POLL,
                () -> agent.get("/healthz").statusCode() == 503
                        && agent.logSince(mark).contains("event=service.down service=kept"));
        System.out.println("stopped: 503 and service.down after "
                + Duration.between(stopped, Instant.now()).toMillis() + " ms");
        HttpResponse<String> health = agent.get("/healthz");
        assertThat(health.body()).contains("kept is down: exited");
        assertThat(agent.logSince(mark).lines().filter(l -> l.contains("event=service.down service=kept")))
                .allSatisfy(l -> assertThat(l).contains(" WARN "));

        agent.awaitLog(mark, "event=service.revived service=revived", Duration.ofSeconds(30));
        awaitUntil(Duration.ofSeconds(10), () -> LocalStack.answer(revivedPort).equals(Optional.of("build=1")));
        // A few polls later: the stopped one is still stopped (an operator stopped it), told once, not per poll.
        int polls = (int) agent.count("event=poll.done");
        agent.awaitLog("event=poll.done", polls + 3, Duration.ofSeconds(30));
        assertThat(LocalStack.answer(keptPort)).as("left stopped").isEmpty();
        assertThat(agent.logSince(mark).lines().filter(l -> l.contains("event=service.down service=kept")))
                .hasSize(1);
        assertThat(agent.get("/healthz").body()).contains("kept is down").doesNotContain("revived is down");
    }

    private static String service(String key, String name, String image, int port, String extra) {
        return "  " + key + ":\n"
                + "    image: " + image + "\n"
                + "    tag: main\n"
                + "    container_name: " + name + "\n"
                + "    ports: [\"127.0.0.1:" + port + ":8080\"]\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 5s, interval: 200ms }\n"
                + "    stop_timeout: 1s\n"
                + extra;
    }

    private void awaitUntil(Duration atMost, java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(atMost);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + atMost + "; healthz: "
                        + agent.get("/healthz").body() + "\n" + agent.stdout());
            }
            AgentProcess.pause(Duration.ofMillis(100));
        }
    }
}
