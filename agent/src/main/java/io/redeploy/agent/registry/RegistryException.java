package io.redeploy.agent.registry;

/**
 * A registry question that could not be answered. The message is one operator-readable sentence naming
 * the registry and repository and never contains a credential. Subclasses say why (credentials rejected,
 * tag not found, rate limited, unavailable, malformed answer).
 */
public class RegistryException extends Exception {
    private final boolean transientFailure;

    public RegistryException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** True when a later poll may well succeed (5xx, I/O, 429); false for 401/403/404 and bad answers. */
    public boolean isTransient() {
        return transientFailure;
    }
}
