package io.redeploy.agent.config;

import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * The {@code verify:} section of a service: a new digest is deployed only when its cosign signature (tag-based
 * storage, {@code sha256-<hex>.sig}) verifies with one of {@code keys}. Several keys allow a rotation: sign with the
 * new key, add it here, then drop the old one.
 */
public record VerifyConfig(List<TrustedKey> keys) {

    public VerifyConfig {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one key is needed");
    }

    /**
     * One ECDSA P-256 public key, as {@code cosign generate-key-pair} writes it to {@code cosign.pub}.
     *
     * @param name where it came from, for logs and messages: the file name, with {@code #2} for the second key of a
     *             file. Never the key itself: keys are not secrets, but key material in logs only invites pasting.
     */
    public record TrustedKey(String name, PublicKey key) {
        public TrustedKey {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return name; // PublicKey.toString() prints the curve point
        }
    }
}
