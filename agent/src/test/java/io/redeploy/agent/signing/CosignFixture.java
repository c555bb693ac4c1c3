package io.redeploy.agent.signing;

import io.redeploy.agent.image.Digest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Signature artifacts byte-for-byte as cosign writes them (sigstore/cosign specs/SIGNATURE_SPEC.md; cosign's
 * payload is Go's json.Marshal of sigstore's SimpleContainerImage, so no spaces and {@code "optional":null}):
 * an ECDSA P-256 key as {@code cosign generate-key-pair} makes, the simple-signing payload, the base64 ASN.1
 * signature over it with SHA-256, and the {@code .sig} image manifest. No cosign binary is available offline, so
 * these are built with the JDK from the spec.
 */
public final class CosignFixture {
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    private CosignFixture() {}

    /** One signature layer: its payload blob and the annotation's base64 signature. */
    public record Layer(byte[] payload, String signature, String mediaType) {
        public Layer(byte[] payload, String signature) {
            this(payload, signature, SIMPLE_SIGNING);
        }

        public Digest digest() {
            return sha256(payload);
        }
    }

    public static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as cosign.pub holds it: PEM "PUBLIC KEY", SubjectPublicKeyInfo. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static byte[] payload(String dockerReference, Digest digest) {
        return payload(dockerReference, digest.value(), "cosign container image signature");
    }

    public static byte[] payload(String dockerReference, String digest, String type) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference + "\"},\"image\":"
                        + "{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"" + type
                        + "\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** base64 of the ASN.1 DER ECDSA signature over SHA-256 of the payload, as the annotation holds it. */
    public static String sign(PrivateKey key, byte[] payload) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(payload);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Layer signedLayer(KeyPair key, String dockerReference, Digest digest) {
        byte[] payload = payload(dockerReference, digest);
        return new Layer(payload, sign(key.getPrivate(), payload));
    }

    /** The image config cosign pushes with the signature manifest: one diff_id per payload layer. */
    public static byte[] config(List<Layer> layers) {
        String diffIds =
                layers.stream().map(l -> "\"" + l.digest().value() + "\"").collect(Collectors.joining(","));
        return ("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
                        + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                        + diffIds
                        + "]},\"config\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The OCI image manifest stored under {@code sha256-<hex>.sig}. */
    public static byte[] manifest(List<Layer> layers) {
        byte[] config = config(layers);
        String layerJson = layers.stream()
                .map(l -> "{\"mediaType\":\"" + l.mediaType() + "\",\"size\":"
                        + l.payload().length + ",\"digest\":\"" + l.digest().value() + "\",\"annotations\":{"
                        + "\"dev.cosignproject.cosign/signature\":\"" + l.signature() + "\"}}")
                .collect(Collectors.joining(","));
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                        + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length
                        + ",\"digest\":\"" + sha256(config).value() + "\"},\"layers\":[" + layerJson + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static Digest sha256(byte[] bytes) {
        try {
            return Digest.parse("sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
