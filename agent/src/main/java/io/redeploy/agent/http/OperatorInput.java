package io.redeploy.agent.http;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parameters an operator's action takes, checked before anything is asked of the agent: who (a user name the CLI
 * passes, else {@code token}), why (one line), and a digest (full, or the short form logs show).
 */
final class OperatorInput {
    static final int MAX_REASON = 500;
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{8,64}|sha512:[a-f0-9]{128}");

    private OperatorInput() {}

    static String service(QueryParams query) throws HttpProblem {
        return query.text("service")
                .orElseThrow(() -> new HttpProblem(400, "bad_request", "query parameter 'service' is required"));
    }

    /** {@code by}: who acts; {@code token} when the caller does not say (the token is all the agent knows). */
    static String by(QueryParams query) throws HttpProblem {
        Optional<String> by = query.text("by");
        if (by.isPresent() && !USER.matcher(by.get()).matches()) {
            throw new HttpProblem(
                    400,
                    "bad_request",
                    "query parameter 'by' must be a user name (letters, digits, . _ @ -; at most 64)");
        }
        return by.orElse("token");
    }

    static String reason(QueryParams query) throws HttpProblem {
        String reason = query.text("reason").orElse("").strip();
        if (reason.length() > MAX_REASON) {
            throw new HttpProblem(
                    400, "bad_request", "query parameter 'reason' is longer than " + MAX_REASON + " characters");
        }
        if (reason.chars().anyMatch(Character::isISOControl)) {
            throw new HttpProblem(400, "bad_request", "query parameter 'reason' must be one line");
        }
        return reason;
    }

    static Optional<String> digest(QueryParams query) throws HttpProblem {
        Optional<String> to = query.text("to");
        if (to.isPresent() && !DIGEST.matcher(to.get()).matches()) {
            throw new HttpProblem(
                    400,
                    "bad_request",
                    "query parameter 'to' must be a digest such as sha256:1a2b3c4d5e6f (at least 8 hex digits)");
        }
        return to;
    }
}
