package io.redeploy.agent.docker.swarm;

/**
 * A Swarm API call that failed. The message is one operator-readable sentence naming the operation, the service and
 * the engine's own explanation; never a credential (the registry auth travels only in a request header).
 */
public class SwarmApiException extends RuntimeException {
    private final int statusCode;

    public SwarmApiException(String message, int statusCode) {
        super(message);
        this.statusCode = statusCode;
    }

    public SwarmApiException(String message, Throwable cause) {
        super(message, cause);
        this.statusCode = 0;
    }

    /** The engine's HTTP status; 0 when the engine could not be reached. */
    public int statusCode() {
        return statusCode;
    }
}
