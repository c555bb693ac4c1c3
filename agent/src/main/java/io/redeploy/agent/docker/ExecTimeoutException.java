package io.redeploy.agent.docker;

/** A command run inside a container did not finish in time; the message says whether its processes were killed. */
public class ExecTimeoutException extends DockerGatewayException {
    public ExecTimeoutException(String message) {
        super(message);
    }
}
