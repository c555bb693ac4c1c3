package io.redeploy.agent.docker.swarm;

/**
 * The engine the agent talks to cannot manage Swarm services: it is in no swarm, is a worker, or its swarm is locked.
 * The message says which, and what to do.
 */
public final class NotASwarmManagerException extends SwarmApiException {
    public NotASwarmManagerException(String message, int statusCode) {
        super(message, statusCode);
    }
}
