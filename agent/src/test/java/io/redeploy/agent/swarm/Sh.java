package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command for an integration test (the docker CLI, the image build script) and returns its output. */
final class Sh {
    private Sh() {}

    record Result(int exitCode, String output) {}

    static String run(String... command) {
        return run(Map.of(), command);
    }

    static String run(Map<String, String> env, String... command) {
        Result r = tryRun(env, command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output().strip();
    }

    static Result tryRun(String... command) {
        return tryRun(Map.of(), command);
    }

    static Result tryRun(Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile("swarm-it", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(List.of(command))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(180, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 180s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The repository root: set by failsafe as {@code redeploy.repoRoot}, else found by walking up from user.dir. */
    static Path repoRoot() {
        String configured = System.getProperty("redeploy.repoRoot");
        if (configured != null && Files.exists(Path.of(configured, "scripts", "build-test-image.sh"))) {
            return Path.of(configured);
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("scripts/build-test-image.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "scripts/build-test-image.sh not found above " + System.getProperty("user.dir"));
    }
}
