package io.redeploy.agent.state;

/** The state directory cannot be used at all (not creatable, not readable): the agent cannot run safely. */
public final class StateException extends RuntimeException {
    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
