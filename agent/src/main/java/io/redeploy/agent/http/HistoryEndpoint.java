package io.redeploy.agent.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /v1/history?service=&since=&limit=&cursor=}: the audit history, newest first, a page at a time; {@code next}
 * is the cursor of the following (older) page, null on the last one.
 */
final class HistoryEndpoint {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final AuditLog audit;
    private final Supplier<Set<String>> services;

    HistoryEndpoint(AuditLog audit, Supplier<Set<String>> services) {
        this.audit = audit;
        this.services = services;
    }

    Endpoint endpoint() {
        return new Endpoint(Endpoints.READ, Set.of("service", "since", "limit", "cursor"), this::history);
    }

    private Response history(Request request) throws HttpProblem {
        QueryParams q = request.query();
        Optional<String> service = q.text("service");
        if (service.isPresent() && !services.get().contains(service.get())) {
            throw new HttpProblem(404, "unknown_service", "no configured service is named '" + service.get() + "'");
        }
        Optional<Instant> since = q.text("since").flatMap(HistoryEndpoint::instant);
        if (q.text("since").isPresent() && since.isEmpty()) {
            throw new HttpProblem(
                    400, "bad_request", "query parameter 'since' must be an instant (2026-12-01T10:00:00Z) or a date");
        }
        int limit = number(q.text("limit"), "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new HttpProblem(400, "bad_request", "query parameter 'limit' must be 1 to " + MAX_LIMIT);
        }
        Optional<Long> cursor = q.text("cursor").isPresent()
                ? Optional.of((long) number(q.text("cursor"), "cursor", 0))
                : Optional.empty();
        AuditLog.Page page = audit.read(service, since, cursor, limit);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode records = body.putArray("records");
        page.records().stream().map(AuditRecord::toJson).forEach(records::add);
        body.put("next", page.next().map(String::valueOf).orElse(null));
        return Response.json(200, body);
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Optional.of(LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static int number(Optional<String> text, String name, int fallback) throws HttpProblem {
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new HttpProblem(400, "bad_request", "query parameter '" + name + "' must be a whole number");
        }
    }
}
