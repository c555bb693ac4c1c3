package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs a command for an integration test (the docker CLI, the image build script) and returns its stdout. */
final class Cli {
    private Cli() {}

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

    record Result(int exitCode, String output) {}

    static Result tryRun(Map<String, String> env, String... command) {
        try {
            Path out = Files.createTempFile("it-cli", ".out");
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

    /** Removes (forcefully) every container whose name contains {@code prefix}; cleanup, so failures are ignored. */
    static void removeContainersNamed(String prefix) {
        removeEach(run("docker", "ps", "-aq", "--filter", "name=" + prefix), "docker", "rm", "-f");
    }

    /** Removes every volume whose name contains {@code prefix}; failures are ignored. */
    static void removeVolumesNamed(String prefix) {
        removeEach(run("docker", "volume", "ls", "-q", "--filter", "name=" + prefix), "docker", "volume", "rm", "-f");
    }

    /** Removes (forcefully) the local images of every repository under {@code /<prefix>/}; failures are ignored. */
    static void removeImagesUnder(String prefix) {
        String ids = Arrays.stream(run("docker", "images", "--no-trunc", "--format", "{{.Repository}} {{.ID}}")
                        .split("\n"))
                .filter(line -> line.contains("/" + prefix + "/"))
                .map(line -> line.substring(line.indexOf(' ') + 1))
                .distinct()
                .collect(Collectors.joining(" "));
        removeEach(ids, "docker", "rmi", "-f");
    }

    /** Runs {@code command} with the whitespace-separated {@code ids} appended, unless there are none. */
    private static void removeEach(String ids, String... command) {
        if (ids.isBlank()) {
            return;
        }
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(ids.strip().split("\\s+")));
        tryRun(Map.of(), all.toArray(String[]::new));
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

    /** Builds and pushes a test image with scripts/build-test-image.sh; returns its reference. */
    static String buildImage(Map<String, String> env, String reference, String buildId, String... options) {
        List<String> cmd = new ArrayList<>(
                List.of(repoRoot().resolve("scripts/build-test-image.sh").toString(), reference, buildId));
        cmd.addAll(List.of(options));
        return run(env, cmd.toArray(String[]::new));
    }

    /** The registry digest the local image {@code reference} was pushed as under {@code repository}, read as the agent reads RepoDigests. */
    static Digest pushedDigest(DockerGateway docker, String reference, String repository) {
        return io.redeploy.agent.image.RepoDigests.of(
                        docker.inspectImage(reference).orElseThrow().repoDigests(), repository)
                .stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(reference + " was not pushed to " + repository));
    }
}
