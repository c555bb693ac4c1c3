package io.redeploy.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol checks every route shares, in order: {@link AccessCheck} (421 for a foreign Host, 401 without the read
 * token), known path (404), body size (413), method (405 with
 * {@code Allow}), query string (400). Whatever happens, the client gets a JSON answer and never a stack trace.
 */
final class Dispatcher implements HttpHandler {
    /** Only the status page's forms send a body; anything larger than this is refused unread. */
    static final int MAX_BODY_BYTES = 1024;

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<String, Endpoint> endpoints;
    private final AccessCheck access;
    private final java.util.function.BooleanSupplier overflowing;
    private final AtomicInteger inFlight = new AtomicInteger();

    Dispatcher(Map<String, Endpoint> endpoints, AccessCheck access, java.util.function.BooleanSupplier overflowing) {
        this.endpoints = Map.copyOf(endpoints);
        this.access = access;
        this.overflowing = overflowing;
    }

    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            Response response;
            try {
                if (overflowing.getAsBoolean()) {
                    // Every worker busy and the queue full: answer at once rather than wait for a worker.
                    throw new HttpProblem(
                            503,
                            "overloaded",
                            "every worker is busy; try again shortly",
                            Map.of("Retry-After", "1", "Connection", "close"));
                }
                response = dispatch(exchange);
            } catch (HttpProblem problem) {
                response = Response.problem(problem);
            } catch (RuntimeException e) {
                // A bug, not a client error: keep the detail in the log, give the client a plain 500.
                Event.error(log, "http.error")
                        .with("method", exchange.getRequestMethod())
                        .with("path", exchange.getRequestURI().getRawPath())
                        .with("error", e.toString())
                        .cause(e)
                        .log();
                response =
                        Response.problem(new HttpProblem(500, "internal_error", "internal error; see the agent log"));
            }
            send(exchange, response);
            Event.debug(log, "http.request")
                    .with("method", exchange.getRequestMethod())
                    .with("path", exchange.getRequestURI().getRawPath())
                    .with("status", response.status())
                    .log();
        } catch (IOException e) {
            Event.debug(log, "http.client_gone")
                    .with("path", exchange.getRequestURI().getRawPath())
                    .with("error", e.getMessage())
                    .log();
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    private Response dispatch(HttpExchange exchange) throws HttpProblem, IOException {
        String path = exchange.getRequestURI().getRawPath();
        access.check(path, exchange.getRequestHeaders(), remote(exchange));
        Endpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            throw new HttpProblem(
                    404,
                    "not_found",
                    "no such path; try / (the status page), /healthz, /status, /metrics, /v1/history or POST /v1/update, /v1/rollback, /v1/hold, /v1/release");
        }
        String body = readBody(exchange);
        String method = exchange.getRequestMethod();
        if (!endpoint.methods().contains(method)) {
            String allow = String.join(", ", new TreeSet<>(endpoint.methods()));
            throw new HttpProblem(
                    405,
                    "method_not_allowed",
                    method + " is not allowed on " + path + "; use " + allow,
                    Map.of("Allow", allow));
        }
        QueryParams query = QueryParams.parse(exchange.getRequestURI().getRawQuery(), endpoint.queryParams());
        return endpoint.handler()
                .handle(new Request(method, query, exchange.getRequestHeaders(), remote(exchange), body));
    }

    /** Reads a small body (only the status page's forms use one); refuses a large one unread and closes. */
    private static String readBody(HttpExchange exchange) throws HttpProblem, IOException {
        HttpProblem tooLarge = new HttpProblem(
                413,
                "payload_too_large",
                "at most " + MAX_BODY_BYTES + " bytes of request body are accepted",
                Map.of("Connection", "close"));
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > MAX_BODY_BYTES) {
                    throw tooLarge;
                }
            } catch (NumberFormatException e) {
                throw new HttpProblem(400, "bad_request", "invalid Content-Length");
            }
        }
        try (InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge; // chunked bodies have no Content-Length to check up front
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        response.headers().forEach(headers::set);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            // Same headers as GET, no body: the JDK server wants -1 for HEAD and does not add the length itself.
            headers.set("Content-Length", Integer.toString(response.body().length));
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        exchange.getResponseBody().write(response.body());
    }

    private static String remote(HttpExchange exchange) {
        InetSocketAddress address = exchange.getRemoteAddress();
        return address == null || address.getAddress() == null
                ? "unknown"
                : address.getAddress().getHostAddress();
    }
}
