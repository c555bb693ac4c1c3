package io.redeploy.agent.policy;

import io.redeploy.agent.config.HookConfig;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ExecResult;
import io.redeploy.agent.docker.ExecTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Runs one {@link HookConfig}: inside a container through the Docker API, or as a host process. When the hook
 * saves its output (a database dump), stdout is streamed gzip-compressed into a file that appears under its final
 * name only when the command succeeded, and older files of the service beyond {@code keep} are deleted.
 */
final class HookRunner {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int STDERR_KEPT = 2048;

    private final DockerGateway docker;
    private final Clock clock;
    private final Map<String, String> agentEnvironment;

    HookRunner(DockerGateway docker, Clock clock) {
        this(docker, clock, System.getenv());
    }

    /** @param agentEnvironment the agent's own environment, of which a host hook gets only an allow-list */
    HookRunner(DockerGateway docker, Clock clock, Map<String, String> agentEnvironment) {
        this.docker = docker;
        this.clock = clock;
        this.agentEnvironment = Map.copyOf(agentEnvironment);
    }

    /**
     * @param output the saved file, when the hook saves its output and exited 0
     * @param detail stderr tail or the reason it could not run; never the command's arguments
     */
    record Result(int exitCode, Optional<Path> output, String detail, boolean timedOut) {
        Result(int exitCode, Optional<Path> output, String detail) {
            this(exitCode, output, detail, false);
        }

        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Exit code reported when the hook could not run at all or timed out. */
    static final int NOT_RUN = -1;

    Result run(String service, HookConfig hook, Optional<String> containerId, Map<String, String> environment) {
        Optional<Path> target = hook.outputDir()
                .map(dir -> dir.resolve(
                        service + "-" + STAMP.format(clock.instant()) + "." + hook.outputExtension() + ".gz"));
        Path partial = null;
        try {
            OutputStream stdout = OutputStream.nullOutputStream();
            DumpTrailer.Tail tail = null;
            if (target.isPresent()) {
                createPrivateDirectory(target.get().getParent());
                partial = target.get().resolveSibling("." + target.get().getFileName() + ".partial");
                tail = new DumpTrailer.Tail(new GZIPOutputStream(Files.newOutputStream(partial)));
                stdout = tail;
            }
            Result result;
            try (OutputStream out = stdout) {
                result = hook.where() == HookConfig.Where.EXEC
                        ? exec(hook, containerId.orElseThrow(), out)
                        : host(hook, environment, out);
            }
            Optional<String> trailer = DumpTrailer.expected(hook.command());
            if (result.ok()
                    && tail != null
                    && trailer.isPresent()
                    && !DumpTrailer.endsWith(tail.tail(), trailer.get())) {
                // Exit 0 but cut short (a pipe through sh, a killed pg_dump): not a backup to rely on.
                return new Result(
                        NOT_RUN,
                        Optional.empty(),
                        "the dump does not end with '" + trailer.get() + "': it is incomplete and was not kept");
            }
            if (result.ok() && target.isPresent()) {
                Files.move(partial, target.get(), StandardCopyOption.ATOMIC_MOVE);
                partial = null;
                prune(hook, service);
                return new Result(0, target, result.detail());
            }
            return result;
        } catch (IOException e) {
            return new Result(
                    NOT_RUN,
                    Optional.empty(),
                    "could not write " + target.map(Path::toString).orElse("output") + ": " + e.getMessage());
        } catch (DockerGatewayException e) {
            return new Result(NOT_RUN, Optional.empty(), e.getMessage(), e instanceof ExecTimeoutException);
        } finally {
            if (partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException ignored) {
                    // A leftover .partial file is hidden and harmless; the next run writes another name.
                }
            }
        }
    }

    private Result exec(HookConfig hook, String containerId, OutputStream out) {
        ExecResult result = docker.exec(containerId, hook.command(), hook.timeout(), out);
        return new Result(result.exitCode(), Optional.empty(), result.stderrTail());
    }

    private Result host(HookConfig hook, Map<String, String> environment, OutputStream out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(hook.command()).redirectErrorStream(false);
        // Not the agent's whole environment: it holds registry passwords and tokens a hook has no business with.
        builder.environment().clear();
        for (String name : hook.passEnvWithBase()) {
            String value = agentEnvironment.get(name);
            if (value != null) builder.environment().put(name, value);
        }
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(
                    NOT_RUN,
                    Optional.empty(),
                    "could not start " + hook.command().get(0) + ": " + e.getMessage());
        }
        process.getOutputStream().close();
        StringBuilder stderr = new StringBuilder();
        Thread errReader = new Thread(() -> drain(process.getErrorStream(), stderr), "hook-stderr");
        errReader.setDaemon(true);
        errReader.start();
        Thread outPump = new Thread(
                () -> {
                    try (InputStream in = process.getInputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        process.destroyForcibly();
                    }
                },
                "hook-stdout");
        outPump.setDaemon(true);
        outPump.start();
        try {
            if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(
                        NOT_RUN,
                        Optional.empty(),
                        "not finished within " + hook.timeout().toSeconds() + "s; killed",
                        true);
            }
            outPump.join(TimeUnit.SECONDS.toMillis(10));
            errReader.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(NOT_RUN, Optional.empty(), "interrupted (agent stopping)");
        }
        synchronized (stderr) {
            return new Result(
                    process.exitValue(), Optional.empty(), stderr.toString().strip());
        }
    }

    private static void drain(InputStream in, StringBuilder kept) {
        byte[] buffer = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (kept) {
                    kept.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (kept.length() > STDERR_KEPT) kept.delete(0, kept.length() - STDERR_KEPT);
                }
            }
        } catch (IOException ignored) {
            // The process is gone; what was read is the tail.
        }
    }

    /** Backups hold the database: readable by the agent's user only. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    /** Keeps the newest {@code keep} saved outputs of the service (names sort by their UTC timestamp). */
    private static void prune(HookConfig hook, String service) throws IOException {
        Path dir = hook.outputDir().orElseThrow();
        String suffix = "." + hook.outputExtension() + ".gz";
        List<Path> saved;
        try (Stream<Path> files = Files.list(dir)) {
            saved = files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith(service + "-")
                                && name.endsWith(suffix)
                                && name.substring(service.length() + 1).matches("\\d{8}T\\d{6}\\.\\d{3}Z\\..*");
                    })
                    .sorted()
                    .toList();
        }
        for (int i = 0; i < saved.size() - hook.keep(); i++) {
            Files.deleteIfExists(saved.get(i));
        }
    }
}
