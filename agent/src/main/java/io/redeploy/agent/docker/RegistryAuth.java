package io.redeploy.agent.docker;

import java.util.Optional;

/**
 * What the engine sends to a registry when it pulls: its host and, for a private one, a user and password.
 * {@code toString} never shows the password.
 */
public record RegistryAuth(String serverAddress, Optional<String> username, Optional<String> password) {
    public static RegistryAuth anonymous(String serverAddress) {
        return new RegistryAuth(serverAddress, Optional.empty(), Optional.empty());
    }

    public boolean hasCredentials() {
        return username.isPresent() && password.isPresent();
    }

    @Override
    public String toString() {
        return "RegistryAuth[" + serverAddress
                + (hasCredentials() ? ", user=" + username.get() + ", password=****" : "") + "]";
    }
}
