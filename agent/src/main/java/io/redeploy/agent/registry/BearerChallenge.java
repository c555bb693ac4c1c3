package io.redeploy.agent.registry;

import java.util.List;
import java.util.Optional;

/**
 * A Docker token-auth challenge, e.g.
 * {@code Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"}
 * (Docker Registry token authentication spec, "How to authenticate").
 *
 * @param error RFC 6750 section 3.1 error code, e.g. {@code invalid_token} or {@code insufficient_scope}
 */
public record BearerChallenge(String realm, Optional<String> service, Optional<String> scope, Optional<String> error) {

    public static final String INSUFFICIENT_SCOPE = "insufficient_scope";

    /** The first Bearer challenge in one header value; empty when there is none or it has no realm. */
    public static Optional<BearerChallenge> parse(String headerValue) {
        return from(AuthChallenge.parse(headerValue));
    }

    /** The first Bearer challenge with a realm among already parsed challenges. */
    public static Optional<BearerChallenge> from(List<AuthChallenge> challenges) {
        return challenges.stream()
                .filter(c -> c.hasScheme("Bearer"))
                .filter(c -> c.param("realm") != null && !c.param("realm").isBlank())
                .findFirst()
                .map(c -> new BearerChallenge(
                        c.param("realm"),
                        nonBlank(c.param("service")),
                        nonBlank(c.param("scope")),
                        nonBlank(c.param("error"))));
    }

    /** The pull scope for a repository, as the token spec defines it: {@code repository:<name>:pull}. */
    public static String pullScope(String repository) {
        return "repository:" + repository + ":pull";
    }

    public boolean isInsufficientScope() {
        return error.filter(INSUFFICIENT_SCOPE::equals).isPresent();
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
