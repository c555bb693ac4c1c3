package io.redeploy.agent.registry;

/** The registry (or its token service) answered 401/403: wrong credentials, missing credentials or no access. */
public class CredentialsRejectedException extends RegistryException {
    public CredentialsRejectedException(String message) {
        super(message, false, null);
    }
}
