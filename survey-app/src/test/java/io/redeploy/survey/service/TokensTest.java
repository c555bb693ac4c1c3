package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    private final Tokens tokens = new Tokens(new SecureRandom());

    @Test
    void tokensAreLongUrlSafeAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String token = tokens.newToken();
            assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void slugsAvoidLookAlikeCharacters() {
        for (int i = 0; i < 100; i++) {
            assertThat(tokens.newSlug())
                    .hasSize(12)
                    .doesNotContainAnyWhitespaces()
                    .matches("[^0O1lI]+");
        }
    }

    @Test
    void hashesAndComparisons() {
        assertThat(Tokens.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Tokens.constantTimeEquals("a", "a")).isTrue();
        assertThat(Tokens.constantTimeEquals("a", "b")).isFalse();
        assertThat(Tokens.constantTimeEquals(null, "a")).isFalse();
        assertThat(Tokens.constantTimeEquals("a", null)).isFalse();
    }

    @Test
    void textIsTrimmedAndFreedOfNulCharacters() {
        assertThat(Text.clean("  a\u0000b  ")).isEqualTo("ab");
        assertThat(Text.clean(null)).isEmpty();
    }
}
