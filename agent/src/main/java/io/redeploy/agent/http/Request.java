package io.redeploy.agent.http;

import com.sun.net.httpserver.Headers;
import java.util.Optional;

/** What an endpoint may look at: the body has already been checked and discarded (no route needs one). */
record Request(String method, QueryParams query, Headers headers, String remote) {
    Optional<String> header(String name) {
        return Optional.ofNullable(headers.getFirst(name));
    }
}
