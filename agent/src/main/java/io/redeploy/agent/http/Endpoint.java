package io.redeploy.agent.http;

import java.util.Set;

/** One path: the methods and query parameters it accepts, and what it answers. */
record Endpoint(Set<String> methods, Set<String> queryParams, Handler handler) {
    Endpoint {
        methods = Set.copyOf(methods);
        queryParams = Set.copyOf(queryParams);
    }

    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws HttpProblem;
    }
}
