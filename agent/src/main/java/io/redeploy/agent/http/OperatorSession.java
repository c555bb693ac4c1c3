package io.redeploy.agent.http;

import io.redeploy.agent.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The status page's sign-in: after the operator typed the trigger token once, the browser holds a cookie whose value is
 * an HMAC-SHA256 of the token under a key drawn at each start (so the token itself never sits in the browser, and a
 * restart signs everyone out). Forms carry a CSRF token derived from the cookie under the same key; both are compared
 * in constant time. The cookie is HttpOnly and SameSite=Strict, and Secure unless the endpoint listens on loopback
 * (where a browser would not send a Secure cookie over plain HTTP).
 */
final class OperatorSession {
    static final String COOKIE = "redeploy_operator";

    private final byte[] cookieValue;
    private final byte[] csrf;
    private final boolean secure;

    OperatorSession(Secret token, boolean secure) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cookieValue = hmac(key, "session|" + token.reveal());
        this.csrf = hmac(key, "csrf|" + encode(cookieValue));
        this.secure = secure;
    }

    /** The {@code Set-Cookie} value that signs the browser in. */
    String signInCookie() {
        return COOKIE + "=" + encode(cookieValue) + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that signs the browser out. */
    String signOutCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The CSRF token the page's forms carry. */
    String csrfToken() {
        return encode(csrf);
    }

    /** True when the request's {@code Cookie} header holds the operator cookie of this start. */
    boolean signedIn(Optional<String> cookieHeader) {
        return cookie(cookieHeader).map(this::matchesCookie).orElse(false);
    }

    boolean csrfMatches(String presented) {
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII), encode(csrf).getBytes(StandardCharsets.US_ASCII));
    }

    private boolean matchesCookie(String presented) {
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII),
                encode(cookieValue).getBytes(StandardCharsets.US_ASCII));
    }

    private static Optional<String> cookie(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        for (String part : header.get().split(";")) {
            String pair = part.strip();
            if (pair.startsWith(COOKIE + "=")) {
                return Optional.of(pair.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
