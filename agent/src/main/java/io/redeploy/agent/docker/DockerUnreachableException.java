package io.redeploy.agent.docker;

/**
 * The engine did not answer at all: the socket was missing or refused, or the connection broke off mid-call (the
 * daemon stopped or restarted). Unlike an error the engine answered with, nothing says whether the call took effect,
 * so what the caller was changing has to be looked at again once the engine is back.
 */
public class DockerUnreachableException extends DockerGatewayException {
    public DockerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    public DockerUnreachableException(String message) {
        super(message);
    }
}
