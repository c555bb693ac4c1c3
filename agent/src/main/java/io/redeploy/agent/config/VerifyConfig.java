package io.redeploy.agent.config;

import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * The {@code verify:} section of a service: a new digest is deployed only when its cosign signature (tag-based
 * storage, {@code sha256-<hex>.sig}) verifies with one of {@code keys}, names the service's own repository (or one of
 * {@code allowedReferences}, for builds signed under another name and mirrored here) as its
 * {@code critical.identity.docker-reference}, and was not built before the image that runs (unless
 * {@code allowOlder}). Several keys allow a rotation: sign with the new key, add it here, then drop the old one.
 *
 * @param allowedReferences other repositories ({@code registry/path}, normalized as cosign writes them) whose
 *                          signatures are accepted for this service: the source of a mirror
 * @param allowOlder        accept a signed build older than the running one (turns the re-tag defence off)
 */
public record VerifyConfig(List<TrustedKey> keys, List<String> allowedReferences, boolean allowOlder) {

    public VerifyConfig {
        keys = List.copyOf(keys);
        allowedReferences = List.copyOf(allowedReferences);
        if (keys.isEmpty()) throw new IllegalArgumentException("at least one key is needed");
    }

    /** Signatures must name the service's own repository; older builds refused. */
    public VerifyConfig(List<TrustedKey> keys) {
        this(keys, List.of(), false);
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
