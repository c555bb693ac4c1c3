package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.awaiting;
import static io.redeploy.agent.docker.DockerCalls.call;
import static io.redeploy.agent.docker.DockerCalls.closeQuietly;
import static io.redeploy.agent.docker.DockerCalls.shortId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a command inside a running container ({@code docker exec}), streaming its stdout and keeping its stderr tail. */
final class DockerExec {
    private static final int EXEC_STDERR_KEPT = 4096;

    private final DockerClient client;
    private final ExecKiller killer;

    DockerExec(DockerClient client) {
        this.client = client;
        this.killer = new ExecKiller(client);
    }

    public ExecResult exec(String containerId, List<String> command, Duration timeout, java.io.OutputStream stdout) {
        String what = "exec in container " + shortId(containerId);
        String execId = call(
                what,
                () -> client.execCreateCmd(containerId)
                        .withCmd(command.toArray(String[]::new))
                        .withAttachStdout(true)
                        .withAttachStderr(true)
                        .exec()
                        .getId());
        StringBuilder stderr = new StringBuilder();
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        awaiting(what, () -> {
            ResultCallback.Adapter<Frame> streaming = client.execStartCmd(execId)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            if (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR) {
                                stderr.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                                if (stderr.length() > EXEC_STDERR_KEPT)
                                    stderr.delete(0, stderr.length() - EXEC_STDERR_KEPT);
                                return;
                            }
                            try {
                                if (writeFailure.get() == null) stdout.write(frame.getPayload());
                            } catch (IOException e) {
                                writeFailure.set(e);
                            }
                        }
                    });
            boolean done = streaming.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                // The Engine API cannot kill an exec'd process; closing the stream would leave it running inside.
                closeQuietly(streaming);
                String killed = killer.kill(containerId, execId);
                throw new ExecTimeoutException(
                        "could not " + what + ": not finished within " + timeout.toSeconds() + "s; " + killed);
            }
        });
        if (writeFailure.get() != null) {
            throw new DockerGatewayException(
                    "could not " + what + ": writing its output failed: "
                            + writeFailure.get().getMessage(),
                    writeFailure.get());
        }
        Long exit = call(what, () -> client.inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(
                exit == null ? -1 : exit.intValue(), stderr.toString().strip());
    }
}
