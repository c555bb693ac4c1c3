package io.redeploy.agent.signing;

import io.redeploy.agent.config.VerifyConfig;
import io.redeploy.agent.config.VerifyConfig.TrustedKey;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.registry.MalformedResponseException;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.registry.StoredManifest;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Key-based cosign verification of one image digest, over the registry API (cosign SIGNATURE_SPEC, tag-based
 * discovery): read the image manifest under {@code <repository>:sha256-<hex>.sig}; for each simple-signing layer,
 * fetch its payload blob (size-capped, digest-checked) and accept the digest when
 * <ol>
 *   <li>the layer's {@code dev.cosignproject.cosign/signature} (base64 ASN.1 ECDSA, SHA-256) verifies over the exact
 *       payload bytes with one of the configured keys, and</li>
 *   <li>the signed payload's {@code critical.type} is {@value SimpleSigningPayload#COSIGN_TYPE} and its
 *       {@code critical.image.docker-manifest-digest} is the digest to deploy, and</li>
 *   <li>its {@code critical.identity.docker-reference} names the configured repository or one of
 *       {@code verify.allowed_references} ({@link SignedReference}): a build signed for another of the key's
 *       repositories, pushed here by someone with a registry write token, is refused (issue 16 item 5).</li>
 * </ol>
 * Unlike a bare {@code cosign verify} (which leaves it to {@code --check-claims} callers), the reference is compared:
 * one signing key usually signs every repository of a CI. Rekor and keyless
 * (Fulcio certificates) are not supported: only the keys of the config are trusted.
 *
 * <p>A missing signature, a bad artifact or a signature that does not verify is a {@link Verification} that
 * refuses. Registry trouble (5xx, I/O, rate limits, rejected credentials) is thrown as {@link RegistryException}:
 * it says nothing about the build and is tried again at the next poll.
 */
public final class CosignVerifier {
    /** A .sig manifest holds one small descriptor per signature; even with Rekor bundles it is a few KiB. */
    static final long MAX_MANIFEST_BYTES = 512 * 1024;
    /** A simple-signing payload is about 250 bytes; 64 KiB leaves room for generous optional claims. */
    static final long MAX_PAYLOAD_BYTES = 64 * 1024;
    /** cosign appends a layer per signing run; past this many the artifact is refused rather than fetched blob by blob. */
    static final int MAX_LAYERS = 32;

    static final String ACCEPT =
            "application/vnd.oci.image.manifest.v1+json, " + "application/vnd.docker.distribution.manifest.v2+json";

    private final RegistryClient registry;

    public CosignVerifier(RegistryClient registry) {
        this.registry = registry;
    }

    /** The tag cosign stores the signatures of {@code digest} under: {@code sha256-<hex>.sig}. */
    public static String signatureTag(Digest digest) {
        return digest.value().replace(':', '-') + ".sig";
    }

    /** The {@code .sig} tag of {@code digest} in {@code image}'s repository. */
    public static ImageRef signatureRef(ImageRef image, Digest digest) {
        return new ImageRef(image.registry(), image.repository(), signatureTag(digest));
    }

    public Verification verify(ImageRef image, Digest digest, VerifyConfig keys) throws RegistryException {
        ImageRef sigRef = signatureRef(image, digest);
        String tag = signatureTag(digest);
        Optional<StoredManifest> stored;
        try {
            stored = registry.manifest(sigRef, ACCEPT, MAX_MANIFEST_BYTES);
        } catch (MalformedResponseException e) {
            return Verification.refused("signature manifest " + tag + " unusable: " + e.getMessage(), Optional.empty());
        }
        if (stored.isEmpty()) {
            return Verification.refused(
                    "no cosign signature: tag " + tag + " not found in " + image.registry() + "/" + image.repository(),
                    Optional.empty());
        }
        Optional<Digest> manifestDigest = Optional.of(stored.get().digest());
        SignatureManifest manifest;
        try {
            manifest = SignatureManifest.parse(stored.get().bytes());
        } catch (IllegalArgumentException e) {
            return Verification.refused(tag + " is not a valid image manifest: " + e.getMessage(), manifestDigest);
        }
        if (manifest.layers().size() > MAX_LAYERS) {
            return Verification.refused(
                    tag + " has " + manifest.layers().size() + " layers, more than " + MAX_LAYERS
                            + " signatures are not examined",
                    manifestDigest);
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            LayerOutcome outcome = check(image, digest, manifest.layers().get(i), keys);
            if (outcome.signer().isPresent()) {
                return Verification.verified(
                        outcome.signer().get().name(), stored.get().digest());
            }
            problems.add("layer " + (i + 1) + ": " + outcome.problem());
        }
        if (problems.isEmpty()) {
            return Verification.refused(tag + " holds no signature layer", manifestDigest);
        }
        return Verification.refused(
                "no valid signature by " + names(keys) + " in " + tag + " (" + String.join("; ", problems) + ")",
                manifestDigest);
    }

    /** Either the key whose signature vouches for the digest, or why this layer does not. */
    private record LayerOutcome(Optional<TrustedKey> signer, String problem) {
        static LayerOutcome problem(String why) {
            return new LayerOutcome(Optional.empty(), why);
        }
    }

    private LayerOutcome check(ImageRef image, Digest digest, SignatureManifest.Layer layer, VerifyConfig keys)
            throws RegistryException {
        if (!layer.mediaType().equals(SignatureManifest.SIMPLE_SIGNING)) {
            return LayerOutcome.problem(
                    "media type '" + shortened(layer.mediaType()) + "' is not " + SignatureManifest.SIMPLE_SIGNING);
        }
        if (layer.signature().isEmpty()) {
            return LayerOutcome.problem("no " + SignatureManifest.SIGNATURE_ANNOTATION + " annotation");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(layer.signature().get());
        } catch (IllegalArgumentException e) {
            return LayerOutcome.problem("signature annotation is not valid base64");
        }
        if (layer.digest().isEmpty()) {
            return LayerOutcome.problem("payload descriptor has no valid digest");
        }
        if (layer.size() > MAX_PAYLOAD_BYTES) {
            return LayerOutcome.problem("payload of " + layer.size() + " bytes is larger than " + MAX_PAYLOAD_BYTES);
        }
        byte[] payload;
        try {
            payload = registry.blob(image, layer.digest().get(), MAX_PAYLOAD_BYTES);
        } catch (MalformedResponseException e) {
            return LayerOutcome.problem("payload unusable: " + e.getMessage());
        }
        Optional<TrustedKey> signer = keyThatVerifies(payload, signature, keys);
        if (signer.isEmpty()) {
            return LayerOutcome.problem("signature does not verify with " + names(keys));
        }
        // Only now, with the payload known to be the signer's, do its claims mean anything.
        SimpleSigningPayload claims;
        try {
            claims = SimpleSigningPayload.parse(payload);
        } catch (IllegalArgumentException e) {
            return LayerOutcome.problem("signed payload unusable: " + e.getMessage());
        }
        if (!claims.type().equals(SimpleSigningPayload.COSIGN_TYPE)) {
            return LayerOutcome.problem("signed payload type '" + shortened(claims.type()) + "' is not '"
                    + SimpleSigningPayload.COSIGN_TYPE + "'");
        }
        if (!claims.dockerManifestDigest().equals(digest.value())) {
            return LayerOutcome.problem("signed payload is for digest " + shortened(claims.dockerManifestDigest())
                    + ", not " + digest.shortForm());
        }
        Optional<String> problem = referenceProblem(image, claims, keys);
        return problem.isPresent() ? LayerOutcome.problem(problem.get()) : new LayerOutcome(signer, "");
    }

    private static Optional<String> referenceProblem(ImageRef image, SimpleSigningPayload claims, VerifyConfig keys) {
        String expected = SignedReference.of(image);
        if (claims.dockerReference().isEmpty()) {
            return Optional.of("signed payload names no repository (critical.identity.docker-reference)");
        }
        Optional<String> signed =
                SignedReference.normalize(claims.dockerReference().get());
        if (signed.isPresent()
                && (signed.get().equals(expected)
                        || keys.allowedReferences().stream()
                                .map(SignedReference::normalize)
                                .anyMatch(signed::equals))) {
            return Optional.empty();
        }
        return Optional.of("signed for " + shortened(claims.dockerReference().get()) + ", not " + expected
                + " (a mirror's source goes in verify.allowed_references)");
    }

    static Optional<TrustedKey> keyThatVerifies(byte[] payload, byte[] signature, VerifyConfig keys) {
        for (TrustedKey key : keys.keys()) {
            try {
                Signature verifier = Signature.getInstance("SHA256withECDSA");
                verifier.initVerify(key.key());
                verifier.update(payload);
                if (verifier.verify(signature)) {
                    return Optional.of(key);
                }
            } catch (GeneralSecurityException e) {
                // A malformed DER signature throws SignatureException: it does not verify with this key.
            }
        }
        return Optional.empty();
    }

    private static String names(VerifyConfig keys) {
        return keys.keys().stream().map(TrustedKey::name).collect(Collectors.joining(", "));
    }

    /** Registry-supplied text in a log line: bounded and printable. */
    private static String shortened(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?").replace('"', '\'');
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
