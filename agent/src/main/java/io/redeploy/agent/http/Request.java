package io.redeploy.agent.http;

import com.sun.net.httpserver.Headers;
import java.util.Optional;

/**
 * What an endpoint may look at. {@code body} is the small body the dispatcher read (at most
 * {@link Dispatcher#MAX_BODY_BYTES}), as UTF-8 text; only the status page's forms use it.
 */
record Request(String method, QueryParams query, Headers headers, String remote, String body) {
    Request(String method, QueryParams query, Headers headers, String remote) {
        this(method, query, headers, remote, "");
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.getFirst(name));
    }
}
