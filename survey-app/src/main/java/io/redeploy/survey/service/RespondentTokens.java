package io.redeploy.survey.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Respondent tokens issued by the server: {@code r1.<128 random bits>.<HMAC-SHA256 of them>}. Only a token this
 * app signed counts as a respondent, so a client cannot invent fresh identities; every instance that shares the
 * key (from {@code SURVEY_TOKEN_KEY} or the database) accepts the tokens of the others.
 */
public final class RespondentTokens {
    private static final String VERSION = "r1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final SecureRandom random;

    public RespondentTokens(byte[] key, SecureRandom random) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the respondent token key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.random = random;
    }

    public String issue() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String encoded = BASE64.encodeToString(id);
        return VERSION + "." + encoded + "." + mac(encoded);
    }

    /** Whether this app issued {@code token}; any other string, including a re-encoding of a real one, is not. */
    public boolean isValid(String token) {
        if (token == null || token.length() > 100) {
            return false;
        }
        String[] parts = token.split("\\.", -1);
        return parts.length == 3
                && parts[0].equals(VERSION)
                && ID.matcher(parts[1]).matches()
                && Tokens.constantTimeEquals(parts[2], mac(parts[1]));
    }

    private String mac(String id) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return BASE64.encodeToString(hmac.doFinal(("respondent:" + id).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has HmacSHA256", e);
        }
    }
}
