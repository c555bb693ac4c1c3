package io.redeploy.agent.http;

import java.util.Map;

/** A request the endpoint refuses: becomes a JSON {@code {"error": code, "message": ...}} response. */
final class HttpProblem extends Exception {
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    HttpProblem(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    HttpProblem(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false); // an expected outcome: no stack trace is ever needed
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }
}
