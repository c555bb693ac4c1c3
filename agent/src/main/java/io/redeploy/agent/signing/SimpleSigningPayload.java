package io.redeploy.agent.signing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The claims of a cosign "simple signing" payload (containers/image signature format with cosign's type):
 * <pre>{@code
 * {"critical": {"identity": {"docker-reference": "ghcr.io/acme/app"},
 *               "image": {"docker-manifest-digest": "sha256:..."},
 *               "type": "cosign container image signature"},
 *  "optional": {...}}
 * }</pre>
 * Member names are matched regardless of case, as cosign (Go's encoding/json) matches them; the spec's own example
 * spells {@code Docker-manifest-digest}.
 */
record SimpleSigningPayload(String type, String dockerManifestDigest, Optional<String> dockerReference) {
    static final String COSIGN_TYPE = "cosign container image signature";

    /** @throws IllegalArgumentException naming what is missing or wrong */
    static SimpleSigningPayload parse(byte[] payload) {
        JsonNode root = StrictJson.read(payload);
        JsonNode critical = StrictJson.member(root, "critical");
        if (!critical.isObject()) throw new IllegalArgumentException("payload has no 'critical' object");
        JsonNode type = StrictJson.member(critical, "type");
        JsonNode digest = StrictJson.member(StrictJson.member(critical, "image"), "docker-manifest-digest");
        JsonNode reference = StrictJson.member(StrictJson.member(critical, "identity"), "docker-reference");
        if (!type.isTextual()) throw new IllegalArgumentException("payload has no critical.type");
        if (!digest.isTextual())
            throw new IllegalArgumentException("payload has no critical.image.docker-manifest-digest");
        return new SimpleSigningPayload(
                type.asText(),
                digest.asText(),
                reference.isTextual() ? Optional.of(reference.asText()) : Optional.empty());
    }
}
