package io.redeploy.agent.http;

import io.redeploy.agent.log.Event;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard of every route that changes something: refused with 503 while no token is configured (an open trigger on a
 * shared host would let any local user force deploys) and 401, with one {@code http.unauthorized} line, without the
 * right bearer token.
 */
final class BearerCheck {
    private static final Logger log = LoggerFactory.getLogger(BearerCheck.class);

    private BearerCheck() {}

    static void require(Optional<TokenGuard> token, Request request, String path) throws HttpProblem {
        if (token.isEmpty()) {
            throw new HttpProblem(
                    503, "trigger_disabled", "no trigger token is configured, so POST " + path + " is disabled");
        }
        TokenGuard.Verdict verdict = token.get().check(request.header("Authorization"));
        if (verdict == TokenGuard.Verdict.ACCEPTED) {
            return;
        }
        Event.warn(log, "http.unauthorized")
                .with("path", path)
                .with("remote", request.remote())
                .reason(verdict.name().toLowerCase(Locale.ROOT))
                .log();
        String challenge = verdict == TokenGuard.Verdict.MISSING
                ? "Bearer realm=\"redeploy-agent\""
                : "Bearer realm=\"redeploy-agent\", error=\"invalid_token\"";
        throw new HttpProblem(
                401,
                "unauthorized",
                "a valid 'Authorization: Bearer <token>' header is required",
                Map.of("WWW-Authenticate", challenge));
    }
}
