package io.redeploy.agent.signing;

import io.redeploy.agent.image.Digest;
import java.util.Optional;

/**
 * What the signature check of one digest found.
 *
 * @param signatureManifest the digest of the {@code .sig} manifest that was read; empty when there is none. A later
 *                          poll compares it (one HEAD) to know whether anything changed since a refusal.
 * @param detail            for a verified digest the key that signed it; for a refused one the reason
 */
public record Verification(boolean verified, String detail, Optional<Digest> signatureManifest) {

    static Verification verified(String keyName, Digest signatureManifest) {
        return new Verification(true, keyName, Optional.of(signatureManifest));
    }

    static Verification refused(String reason, Optional<Digest> signatureManifest) {
        return new Verification(false, reason, signatureManifest);
    }
}
