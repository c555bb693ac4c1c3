package io.redeploy.agent.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds files of the repository (tests run in agent/) and runs its scripts. */
final class RepoFiles {
    private RepoFiles() {}

    static Path root() {
        String configured = System.getProperty("redeploy.repoRoot");
        if (configured != null && Files.isDirectory(Path.of(configured, "systemd"))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("systemd/install.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root with systemd/install.sh not found above "
                + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    record Result(int exitCode, String output) {}

    /** Runs {@code bash script args...}, stdout and stderr merged, failing the test after {@code timeoutSeconds}. */
    static Result bash(Path script, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish within " + timeoutSeconds + "s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
