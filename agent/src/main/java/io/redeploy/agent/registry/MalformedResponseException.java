package io.redeploy.agent.registry;

/** The registry answered, but not as the Distribution spec says: bad digest, oversized body, unexpected status. */
public class MalformedResponseException extends RegistryException {
    public MalformedResponseException(String message) {
        super(message, false, null);
    }
}
