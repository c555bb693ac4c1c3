package io.redeploy.agent.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A strictly parsed query string: unknown, repeated or badly encoded parameters are refused with 400,
 * so a typo such as {@code ?servce=web} is reported instead of silently triggering every service.
 */
final class QueryParams {
    private final Map<String, String> values;

    private QueryParams(Map<String, String> values) {
        this.values = values;
    }

    static QueryParams parse(String rawQuery, Set<String> allowed) throws HttpProblem {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParams(values);
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!allowed.contains(name)) {
                throw badRequest("unknown query parameter '" + name + "'"
                        + (allowed.isEmpty()
                                ? "; this route takes none"
                                : "; allowed: "
                                        + String.join(
                                                ", ", allowed.stream().sorted().toList())));
            }
            if (values.putIfAbsent(name, value) != null) {
                throw badRequest("query parameter '" + name + "' given more than once");
            }
        }
        return new QueryParams(values);
    }

    /** The value of a parameter that must not be empty when present. */
    Optional<String> text(String name) throws HttpProblem {
        String value = values.get(name);
        if (value != null && value.isBlank()) {
            throw badRequest("query parameter '" + name + "' needs a value");
        }
        return Optional.ofNullable(value);
    }

    /** A flag: absent is {@code fallback}; {@code ?x}, {@code x=true} or {@code x=1} is true; {@code false} or {@code 0} is false. */
    boolean flag(String name, boolean fallback) throws HttpProblem {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        switch (value) {
            case "", "true", "1":
                return true;
            case "false", "0":
                return false;
            default:
                throw badRequest("query parameter '" + name + "' must be true or false, not '" + value + "'");
        }
    }

    private static String decode(String text) throws HttpProblem {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badRequest("badly encoded query string");
        }
    }

    private static HttpProblem badRequest(String message) {
        return new HttpProblem(400, "bad_request", message);
    }
}
