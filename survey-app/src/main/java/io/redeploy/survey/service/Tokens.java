package io.redeploy.survey.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets (session, CSRF and respondent tokens, survey slugs) and their stored hashes. */
public final class Tokens {
    private static final char[] SLUG_ALPHABET =
            "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final SecureRandom random;

    public Tokens(SecureRandom random) {
        this.random = random;
    }

    /** 256 random bits, URL- and cookie-safe. */
    public String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A short public link id (about 70 bits): unguessable, yet easy to paste. Unambiguous characters only. */
    public String newSlug() {
        char[] slug = new char[12];
        for (int i = 0; i < slug.length; i++) {
            slug[i] = SLUG_ALPHABET[random.nextInt(SLUG_ALPHABET.length)];
        }
        return new String(slug);
    }

    public static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /** Compares secrets in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
