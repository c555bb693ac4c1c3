package io.redeploy.agent.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shaded agent jar run as a child JVM, as systemd runs it: {@code java -jar redeploy-agent.jar --config PATH}.
 * Its stdout (the event log) and stderr go to files the test reads while it runs, so a test can wait for an
 * event and then kill it at exactly that point.
 */
final class AgentProcess implements AutoCloseable {
    /** Read by the config as {@code trigger_token_env: REDEPLOY_IT_TOKEN}. */
    static final String TOKEN_ENV = "REDEPLOY_IT_TOKEN";

    static final String TOKEN = "process-it-trigger-token-0123456789abcdef";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int httpPort;

    private AgentProcess(Process process, Path stdout, Path stderr, int httpPort) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.httpPort = httpPort;
    }

    /** What a short-lived run (--check, a bad config) printed and returned. */
    record Exit(int code, String stdout, String stderr) {}

    static Path jar() {
        Path jar = LocalStack.repoRoot().resolve("agent/target/redeploy-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: these tests run the packaged jar (mvn verify runs them after package)");
        }
        return jar;
    }

    /** Starts the agent; {@code logDir/<label>.out|.err} receive its output. {@code httpPort} is the one in the config. */
    static AgentProcess start(Path logDir, String label, int httpPort, String... args) {
        return start(logDir, label, httpPort, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, String, int, String...)}, with extra environment variables (secrets referenced by the config). */
    static AgentProcess start(
            Path logDir, String label, int httpPort, java.util.Map<String, String> env, String... args) {
        Path out = logDir.resolve(label + ".out");
        Path err = logDir.resolve(label + ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put(TOKEN_ENV, TOKEN);
        builder.environment().putAll(env);
        try {
            return new AgentProcess(builder.start(), out, err, httpPort);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the agent: " + e.getMessage(), e);
        }
    }

    /** Runs the agent to completion (bounded) and returns its exit code and output. */
    static Exit run(Path logDir, String label, Duration atMost, String... args) {
        AgentProcess agent = start(logDir, label, 0, args);
        try {
            Integer code = agent.awaitExit(atMost);
            if (code == null) {
                throw new AssertionError("agent did not exit within " + atMost + ":\n" + agent.output());
            }
            return new Exit(code, agent.stdout(), agent.stderr());
        } finally {
            agent.close();
        }
    }

    /** Runs a CLI command of the jar ({@code status}, {@code rollback}, ...) with the token in REDEPLOY_TOKEN. */
    static Exit cli(Path logDir, String label, String... args) {
        AgentProcess cli =
                start(logDir, label, 0, java.util.Map.of("REDEPLOY_TOKEN", TOKEN, "USER", "it-operator"), args);
        try {
            Integer code = cli.awaitExit(Duration.ofSeconds(60));
            if (code == null) {
                throw new AssertionError("the CLI did not exit within 60s:\n" + cli.output());
            }
            return new Exit(code, cli.stdout(), cli.stderr());
        } finally {
            cli.close();
        }
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Start-up speed only, on a small shared CI box; no effect on behaviour.
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                // The tests wait for each poll's event=poll.done, which production logs at DEBUG.
                "-Dorg.slf4j.simpleLogger.log.io.redeploy.agent.reconcile.Recorder=debug",
                "-jar",
                jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private String output() {
        return "--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr();
    }

    /** How many log lines contain {@code needle}. */
    long count(String needle) {
        return stdout().lines().filter(l -> l.contains(needle)).count();
    }

    /** The length of the log so far: {@link #awaitLog(int, String, Duration)} looks only at what comes after it. */
    int mark() {
        return stdout().length();
    }

    /** The log written after {@code mark}. */
    String logSince(int mark) {
        String out = stdout();
        return out.substring(Math.min(mark, out.length()));
    }

    /** Waits until the log contains {@code needle} {@code times} times; fails at once if the agent exits first. */
    void awaitLog(String needle, int times, Duration atMost) {
        awaitLog(0, needle, times, atMost);
    }

    void awaitLog(String needle, Duration atMost) {
        awaitLog(0, needle, 1, atMost);
    }

    /** Waits until the log written after {@code mark} contains {@code needle}. */
    void awaitLog(int mark, String needle, Duration atMost) {
        awaitLog(mark, needle, 1, atMost);
    }

    private void awaitLog(int mark, String needle, int times, Duration atMost) {
        Instant deadline = Instant.now().plus(atMost);
        while (occurrences(mark, needle) < times) {
            if (!process.isAlive() && occurrences(mark, needle) < times) {
                throw new AssertionError("agent exited (" + process.exitValue() + ") before logging '" + needle + "' "
                        + times + " time(s):\n" + output());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "agent did not log '" + needle + "' " + times + " time(s) within " + atMost + ":\n" + output());
            }
            pause(Duration.ofMillis(50));
        }
    }

    private long occurrences(int mark, String needle) {
        return logSince(mark).lines().filter(l -> l.contains(needle)).count();
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no signal handler, nothing cleaned up. */
    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (Process.destroy on Linux), as systemd's stop sends. */
    void sigterm() {
        process.destroy();
    }

    /** The exit code, or null when the process is still running after {@code atMost}. */
    Integer awaitExit(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** POST /v1/update with the bearer token: queues a poll now. Returns the HTTP status. */
    int triggerPoll() {
        return send(HttpRequest.newBuilder(uri("/v1/update"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode();
    }

    /** POST /v1/update with an arbitrary Authorization header value. */
    int triggerPollWith(String authorization) {
        return send(HttpRequest.newBuilder(uri("/v1/update"))
                        .header("Authorization", authorization)
                        .POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("agent HTTP endpoint: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Never leaves a child JVM behind, whatever the test did. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    private static String read(Path file) {
        try {
            // Bytes, not readString: a line being written may end in half a UTF-8 character.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
