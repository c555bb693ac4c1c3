package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kills what a timed-out exec left running. The Engine API has no call for it: closing the stream leaves the process
 * (a {@code pg_dump} holding its locks) running inside the container. Exec inspect gives its PID on the host; the
 * host's {@code /proc/<pid>/status} ({@code NSpid}) gives the same process's PID inside the container; a second exec
 * then sends TERM, and KILL a second later, to it and every process below it (a {@code sh -c} wrapper's children).
 */
final class ExecKiller {
    /** $0 is the PID. Collects the tree first: once the parent dies its children move to the container's init. */
    static final String KILL_TREE = "tree() { echo \"$1\"; for s in /proc/[0-9]*/stat; do"
            + " read -r p c st pp rest < \"$s\" 2>/dev/null || continue;"
            + " [ \"$pp\" = \"$1\" ] && tree \"$p\"; done; };"
            + " pids=$(tree \"$0\"); kill -TERM $pids 2>/dev/null; sleep 1; kill -KILL $pids 2>/dev/null; true";

    private static final long KILL_WAIT_SECONDS = 10;

    private final DockerClient client;
    private final Path proc;

    ExecKiller(DockerClient client) {
        this(client, Path.of("/proc"));
    }

    ExecKiller(DockerClient client, Path proc) {
        this.client = client;
        this.proc = proc;
    }

    /** Kills the exec's process tree; returns what happened, for the timeout's message. */
    String kill(String containerId, String execId) {
        try {
            InspectExecResponse exec = client.inspectExecCmd(execId).exec();
            if (!Boolean.TRUE.equals(exec.isRunning())) return "it ended meanwhile";
            Long hostPid = exec.getPidLong();
            if (hostPid == null || hostPid <= 0) return "not killed: the engine gave no PID";
            Optional<String> pid = containerPid(hostPid);
            if (pid.isEmpty()) {
                return "not killed: host PID " + hostPid + " not visible to the agent (another PID namespace?)";
            }
            String killer = call(
                    "kill a timed-out exec",
                    () -> client.execCreateCmd(containerId)
                            .withCmd("sh", "-c", KILL_TREE, pid.get())
                            .exec()
                            .getId());
            client.execStartCmd(killer)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>())
                    .awaitCompletion(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
            return "killed its process " + pid.get() + " (host PID " + hostPid + ") and its children";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "not killed: interrupted";
        } catch (RuntimeException e) {
            return "not killed: " + e.getMessage();
        }
    }

    /** The last {@code NSpid} field: the PID in the innermost namespace, the container's. */
    Optional<String> containerPid(long hostPid) {
        try {
            List<String> lines =
                    Files.readAllLines(proc.resolve(Long.toString(hostPid)).resolve("status"));
            return lines.stream()
                    .filter(l -> l.startsWith("NSpid:"))
                    .map(l -> l.substring("NSpid:".length()).trim().split("\\s+"))
                    .map(fields -> fields[fields.length - 1])
                    .filter(f -> f.matches("\\d+"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
