package io.redeploy.agent.it.compose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in a directory with an adjusted environment and a deadline, and returns its exit code and output.
 * Never throws for a non-zero exit: the callers decide (a compose command's failure is a result to look at).
 */
final class Commands {
    private Commands() {}

    /**
     * @param removeEnv  variables of this JVM's environment the command must not inherit (a name ending in {@code *}
     *                   removes every variable with that prefix)
     * @param addEnv     variables set for the command
     * @param mask       strings replaced by {@code ****} in the returned output (passwords)
     */
    static CommandResult run(
            List<String> command,
            Path directory,
            Set<String> removeEnv,
            Map<String, String> addEnv,
            Duration timeout,
            Set<String> mask) {
        try {
            Path out = Files.createTempFile("compose-it", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
                Map<String, String> env = pb.environment();
                for (String name : removeEnv) {
                    if (name.endsWith("*")) {
                        String prefix = name.substring(0, name.length() - 1);
                        env.keySet().removeIf(k -> k.startsWith(prefix));
                    } else {
                        env.remove(name);
                    }
                }
                env.putAll(addEnv);
                Process p = pb.start();
                p.getOutputStream().close(); // no stdin: nothing may wait for a terminal
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    String partial = masked(Files.readString(out, StandardCharsets.UTF_8), mask);
                    return new CommandResult(command, -1, partial + "\n[killed: no exit within " + timeout + "]");
                }
                return new CommandResult(
                        command, p.exitValue(), masked(Files.readString(out, StandardCharsets.UTF_8), mask));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new CommandResult(command, -1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** {@code command} in {@code directory} with this JVM's environment. */
    static CommandResult run(Path directory, Duration timeout, String... command) {
        return run(List.of(command), directory, Set.of(), Map.of(), timeout, Set.of());
    }

    private static String masked(String text, Set<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                result = result.replace(secret, "****");
            }
        }
        return result;
    }
}
