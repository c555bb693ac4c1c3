package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void parsesGhcrChallenge() {
        BearerChallenge c = BearerChallenge.parse(
                        "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:acme/app:pull\"")
                .orElseThrow();
        assertThat(c.realm()).isEqualTo("https://ghcr.io/token");
        assertThat(c.service()).contains("ghcr.io");
        assertThat(c.scope()).contains("repository:acme/app:pull");
        assertThat(c.error()).isEmpty();
    }

    @Test
    void keepsCommasAndSpacesInsideQuotedValues() {
        BearerChallenge c = BearerChallenge.parse(
                        "Bearer realm=\"https://auth.example/token\", service=\"registry.example\", "
                                + "scope=\"repository:a/b:pull,push repository:c:pull\"")
                .orElseThrow();
        assertThat(c.scope()).contains("repository:a/b:pull,push repository:c:pull");
        assertThat(c.service()).contains("registry.example");
    }

    @Test
    void unescapesQuotedPairs() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"a\\\"b\\\\c\"").get(0);
        assertThat(c.param("realm")).isEqualTo("a\"b\\c");
    }

    @Test
    void scopeAndServiceAreOptional() {
        BearerChallenge c = BearerChallenge.parse("Bearer realm=\"https://auth.example/token\"")
                .orElseThrow();
        assertThat(c.service()).isEmpty();
        assertThat(c.scope()).isEmpty();
    }

    @Test
    void acceptsUnquotedValuesAndAnyCase() {
        BearerChallenge c = BearerChallenge.parse("bearer Realm=https://auth.example/token, SERVICE=reg")
                .orElseThrow();
        assertThat(c.realm()).isEqualTo("https://auth.example/token");
        assertThat(c.service()).contains("reg");
    }

    @Test
    void readsErrorCode() {
        BearerChallenge c = BearerChallenge.parse(
                        "Bearer realm=\"https://r/t\",service=\"s\",scope=\"repository:x:pull\",error=\"insufficient_scope\"")
                .orElseThrow();
        assertThat(c.isInsufficientScope()).isTrue();
    }

    @Test
    void noBearerWithoutRealm() {
        assertThat(BearerChallenge.parse("Bearer service=\"x\"")).isEmpty();
        assertThat(BearerChallenge.parse("Bearer realm=\"\"")).isEmpty();
    }

    @Test
    void basicIsNotBearer() {
        assertThat(BearerChallenge.parse("Basic realm=\"dev-stack\"")).isEmpty();
        assertThat(AuthChallenge.parse("Basic realm=\"dev-stack\""))
                .singleElement()
                .satisfies(c -> assertThat(c.hasScheme("basic")).isTrue());
    }

    @Test
    void splitsSeveralChallengesInOneHeader() {
        List<AuthChallenge> all =
                AuthChallenge.parse("Basic realm=\"one, two\", Bearer realm=\"https://r/t\",service=\"s\"");
        assertThat(all).extracting(AuthChallenge::scheme).containsExactly("Basic", "Bearer");
        assertThat(all.get(0).param("realm")).isEqualTo("one, two");
        assertThat(BearerChallenge.from(all).map(BearerChallenge::realm)).contains("https://r/t");
    }

    @Test
    void readsChallengesAcrossHeaderValues() {
        assertThat(BearerChallenge.from(
                        AuthChallenge.parseAll(List.of("Basic realm=\"x\"", "Bearer realm=\"https://r/t\""))))
                .map(BearerChallenge::realm)
                .isEqualTo(Optional.of("https://r/t"));
    }

    @Test
    void survivesGarbage() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("=x, ,,")).isEmpty();
        assertThat(BearerChallenge.parse("Bearer realm=\"unterminated"))
                .map(BearerChallenge::realm)
                .contains("unterminated");
    }

    @Test
    void pullScopeFollowsTheTokenSpec() {
        assertThat(BearerChallenge.pullScope("acme/app")).isEqualTo("repository:acme/app:pull");
    }
}
