package io.redeploy.survey.service;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/** bcrypt hashing. bcrypt reads at most 72 bytes, so longer passwords are refused rather than truncated. */
public final class PasswordHasher {
    public static final int MAX_BYTES = 72;

    private final int cost;
    private final String dummyHash;

    public PasswordHasher(int cost) {
        this.cost = cost;
        // Verified against when the email is unknown, so a sign-in takes as long either way.
        this.dummyHash = hash("not-a-real-password");
    }

    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    public boolean verify(String password, String hash) {
        if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    }

    /** Spends the time of one verification, for unknown accounts. */
    public void burnOneVerification(String password) {
        verify(password == null ? "" : password, dummyHash);
    }

    public static boolean fits(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
