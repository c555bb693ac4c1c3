package io.redeploy.agent.config;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public keys of a PEM text such as {@code cosign.pub}: one or more {@code -----BEGIN PUBLIC KEY-----}
 * blocks (SubjectPublicKeyInfo, RFC 7468), each an ECDSA key on P-256, the only curve {@code cosign generate-key-pair}
 * makes. Anything else is refused with the reason, never with the key bytes.
 */
final class CosignPublicKeys {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final ECParameterSpec P256 = p256();

    private CosignPublicKeys() {}

    /** @throws IllegalArgumentException with a reason fit for a config problem */
    static List<PublicKey> parse(String pem) {
        Matcher block = BLOCK.matcher(pem);
        List<PublicKey> keys = new ArrayList<>();
        while (block.find()) {
            String label = block.group(1);
            int number = keys.size() + 1;
            if (label.contains("PRIVATE")) {
                throw new IllegalArgumentException("holds a PRIVATE key; expected the public key (cosign.pub), never "
                        + "the private one on the deploy host");
            }
            if (!label.equals("PUBLIC KEY")) {
                throw new IllegalArgumentException("holds a '" + label + "' block; expected PEM 'PUBLIC KEY' blocks "
                        + "as written by cosign generate-key-pair");
            }
            keys.add(ecP256(block.group(2), number));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("holds no PEM public key; expected a '-----BEGIN PUBLIC KEY-----' block "
                    + "as written by cosign generate-key-pair (cosign.pub)");
        }
        return keys;
    }

    private static PublicKey ecP256(String base64, int number) {
        String which = number == 1 ? "holds a key" : "holds a key (#" + number + ")";
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + " that is not valid base64; expected a PEM public key");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(
                    which + " that is not an ECDSA public key (RSA, ed25519 and other cosign "
                            + "key types are not supported); expected an ECDSA P-256 key as made by cosign generate-key-pair");
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new IllegalArgumentException(which + " on another curve than P-256; expected an ECDSA P-256 key "
                    + "as made by cosign generate-key-pair");
        }
        return key;
    }

    private static boolean isP256(ECParameterSpec params) {
        return params.getCurve().equals(P256.getCurve())
                && params.getOrder().equals(P256.getOrder())
                && params.getGenerator().equals(P256.getGenerator());
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM supports secp256r1", e);
        }
    }
}
