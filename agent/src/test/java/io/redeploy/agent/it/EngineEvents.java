package io.redeploy.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Docker engine event (`docker events`), replaying from a start time so none is missed. */
final class EngineEvents {
    private EngineEvents() {}

    /** Returns once the engine reported {@code action} (kill, die, rename...) for the container since {@code since}. */
    static void awaitFirst(String containerId, String action, Instant since, Duration atMost) {
        Process events;
        try {
            events = new ProcessBuilder(
                            "docker",
                            "events",
                            "--since",
                            String.valueOf(since.getEpochSecond() - 1),
                            "--filter",
                            "container=" + containerId,
                            "--filter",
                            "event=" + action,
                            "--format",
                            "{{.Action}}")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                    return r.readLine();
                } catch (IOException e) {
                    return null;
                }
            });
            String line = first.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null || !line.startsWith(action)) {
                throw new AssertionError("docker events ended without " + action + " for " + containerId + ": " + line);
            }
        } catch (TimeoutException e) {
            throw new AssertionError("no " + action + " event for container " + containerId + " within " + atMost);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            events.destroyForcibly();
        }
    }
}
