package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class RespondentTokensTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final RespondentTokens tokens = new RespondentTokens(KEY, new SecureRandom());

    @Test
    void onlyTokensSignedWithTheSameKeyAreValid() {
        String token = tokens.issue();
        assertThat(token).matches("r1\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
        assertThat(tokens.isValid(token)).isTrue();
        assertThat(new RespondentTokens(KEY.clone(), new SecureRandom()).isValid(token))
                .as("another instance with the same key")
                .isTrue();
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertThat(new RespondentTokens(otherKey, new SecureRandom()).isValid(token))
                .isFalse();
        assertThat(tokens.issue()).isNotEqualTo(token);
    }

    @Test
    void madeUpAndTamperedTokensAreInvalid() {
        String token = tokens.issue();
        String[] parts = token.split("\\.");
        char last = parts[1].charAt(21);
        String otherId = parts[1].substring(0, 21) + (last == 'A' ? 'B' : 'A');
        for (String forged : new String[] {
            null,
            "",
            "r-1",
            "r1..",
            "r1." + otherId + "." + parts[2],
            "r2." + parts[1] + "." + parts[2],
            token + ".x",
            token.substring(0, token.length() - 1),
            "r1." + parts[1] + "." + parts[2] + "=",
            "x".repeat(101)
        }) {
            assertThat(tokens.isValid(forged)).as(String.valueOf(forged)).isFalse();
        }
        assertThatThrownBy(() -> new RespondentTokens(new byte[16], new SecureRandom()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
