package io.redeploy.agent.http;

import io.redeploy.agent.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured token. Both sides are hashed with
 * SHA-256 and compared with {@link MessageDigest#isEqual}, so the time taken reveals neither the content nor
 * the length of the token. The scheme name is case-insensitive (RFC 9110 section 11.1).
 */
final class TokenGuard {
    enum Verdict {
        ACCEPTED,
        MISSING,
        MALFORMED,
        MISMATCH
    }

    private final byte[] expectedHash;

    TokenGuard(Secret token) {
        this.expectedHash = sha256(token.reveal());
    }

    Verdict check(Optional<String> authorizationHeader) {
        if (authorizationHeader.isEmpty() || authorizationHeader.get().isBlank()) {
            return Verdict.MISSING;
        }
        String header = authorizationHeader.get().strip();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Verdict.MALFORMED;
        }
        String presented = header.substring(space + 1).strip();
        if (presented.isEmpty()) {
            return Verdict.MALFORMED;
        }
        return MessageDigest.isEqual(sha256(presented), expectedHash) ? Verdict.ACCEPTED : Verdict.MISMATCH;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
