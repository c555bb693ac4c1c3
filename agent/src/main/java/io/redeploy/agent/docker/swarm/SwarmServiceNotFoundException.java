package io.redeploy.agent.docker.swarm;

/** The service named in an update does not exist (any more). */
public final class SwarmServiceNotFoundException extends SwarmApiException {
    public SwarmServiceNotFoundException(String service, String engineMessage) {
        super("service " + service + " does not exist: " + engineMessage, 404);
    }
}
