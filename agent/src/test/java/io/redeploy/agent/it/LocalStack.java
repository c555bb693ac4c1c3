package io.redeploy.agent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real engine and registry started by scripts/dev-stack.sh, seen from a test. Fails loudly (never skips)
 * when they are not there: integration tests that silently skip prove nothing.
 */
public final class LocalStack {
    public static final String REGISTRY = "127.0.0.1:5000";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalStack() {}

    public static void requireRunning() {
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) throw new IllegalStateException("registry answered " + r.statusCode());
            exec("docker", "version");
        } catch (Exception e) {
            throw new IllegalStateException(
                    "the local stack is not running (" + e.getMessage() + "); start it with: scripts/dev-stack.sh up",
                    e);
        }
    }

    public static Path repoRoot() {
        String prop = System.getProperty("redeploy.repoRoot");
        Path dir = prop != null ? Paths.get(prop) : Paths.get("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/build-test-image.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null)
            throw new IllegalStateException("cannot find the repository root (scripts/build-test-image.sh)");
        return dir;
    }

    /** A repository name no other test uses. */
    public static String uniqueRepository(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Builds and pushes the busybox test image; see scripts/build-test-image.sh for the modes. */
    public static void pushTestImage(String ref, String buildId, String... options) {
        List<String> cmd = new ArrayList<>(List.of(
                "bash", repoRoot().resolve("scripts/build-test-image.sh").toString(), ref, buildId));
        cmd.addAll(List.of(options));
        exec(cmd.toArray(String[]::new));
    }

    public static String exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out.trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of GET http://127.0.0.1:port/, or empty when nothing answers. */
    public static Optional<String> answer(int port) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body().trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Names of all containers (running or not) whose name is exactly {@code name} or starts with it. */
    public static List<String> containersNamed(String name) {
        String out = exec("docker", "ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}}");
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    public static void removeContainersNamed(String prefix) {
        for (String c : containersNamed(prefix)) {
            try {
                exec("docker", "rm", "-f", c);
            } catch (IllegalStateException ignored) {
            }
        }
    }
}
