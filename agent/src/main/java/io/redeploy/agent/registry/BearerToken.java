package io.redeploy.agent.registry;

import java.time.Instant;

/** A registry token and the instant its issuer says it stops working. {@code toString} never shows the value. */
record BearerToken(String value, Instant expiresAt) {
    @Override
    public String toString() {
        return "BearerToken[****, expiresAt=" + expiresAt + "]";
    }
}
