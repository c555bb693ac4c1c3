package io.redeploy.agent.signing;

import com.fasterxml.jackson.databind.JsonNode;
import io.redeploy.agent.image.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layers of the image manifest stored under a {@code sha256-<hex>.sig} tag (cosign SIGNATURE_SPEC, "OCI Image
 * Manifest V1"): each layer descriptor points at a payload blob and carries the base64 signature over it in the
 * annotation {@value #SIGNATURE_ANNOTATION}. One layer per {@code cosign sign} run of that digest.
 */
record SignatureManifest(List<Layer> layers) {
    static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

    /** @param signature the annotation's text, not decoded yet; empty when the annotation is missing */
    record Layer(String mediaType, Optional<Digest> digest, long size, Optional<String> signature) {}

    /** @throws IllegalArgumentException when the bytes are not an image manifest with a layers list */
    static SignatureManifest parse(byte[] manifest) {
        JsonNode root = StrictJson.read(manifest);
        if (root.path("schemaVersion").asInt() != 2) {
            throw new IllegalArgumentException("schemaVersion is not 2");
        }
        JsonNode layers = root.path("layers");
        if (!layers.isArray()) throw new IllegalArgumentException("no 'layers' list");
        List<Layer> parsed = new ArrayList<>();
        for (JsonNode layer : layers) {
            String digest = layer.path("digest").asText("");
            JsonNode signature = layer.path("annotations").path(SIGNATURE_ANNOTATION);
            parsed.add(new Layer(
                    layer.path("mediaType").asText(""),
                    Digest.isValid(digest) ? Optional.of(Digest.parse(digest)) : Optional.empty(),
                    layer.path("size").canConvertToLong() ? layer.path("size").asLong(-1) : -1,
                    signature.isTextual() ? Optional.of(signature.asText()) : Optional.empty()));
        }
        return new SignatureManifest(parsed);
    }
}
