package io.redeploy.agent.registry;

/**
 * A registry's 401 challenge named a token realm the registry's credentials must not go to (another host, or plain
 * HTTP off loopback). Not transient: the registry's configuration (or the registry) has to change.
 */
public class UntrustedTokenRealmException extends RegistryException {
    public UntrustedTokenRealmException(String message) {
        super(message, false, null);
    }
}
