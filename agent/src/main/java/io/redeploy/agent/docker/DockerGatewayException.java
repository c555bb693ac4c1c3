package io.redeploy.agent.docker;

/**
 * A Docker Engine call that failed. The message is one operator-readable sentence naming the operation and
 * the object (container name, image reference) and the engine's own explanation; never a credential.
 */
public class DockerGatewayException extends RuntimeException {
    public DockerGatewayException(String message, Throwable cause) {
        super(message, cause);
    }

    public DockerGatewayException(String message) {
        super(message);
    }
}
