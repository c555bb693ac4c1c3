package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the audit history: something that changed a service or was refused, as the recorder wrote it.
 *
 * @param seq     its number in the log, increasing by one per record; 0 until the log assigns it
 * @param kind    {@code deploy}, {@code rollback}, {@code refusal}, {@code hold}, {@code release}, {@code recovery} or
 *                {@code approval}
 * @param outcome how it ended ({@code deployed}, {@code rolled_back}, {@code failed}, {@code refused}, {@code held},
 *                {@code released}, {@code pending}, {@code approved}); for a hold or release the same as its kind
 * @param by      who asked: {@code agent} for the agent's own polls, else the operator ({@code token} or a user name)
 */
public record AuditRecord(
        long seq,
        Instant at,
        String service,
        String kind,
        String outcome,
        String from,
        String to,
        String by,
        String reason) {
    public static final String DEPLOY = "deploy";
    public static final String ROLLBACK = "rollback";
    public static final String REFUSAL = "refusal";
    public static final String HOLD = "hold";
    public static final String RELEASE = "release";
    public static final String RECOVERY = "recovery";
    /** A digest of a {@code policy: approve} service: outcome {@code pending} (it waits) or {@code approved}. */
    public static final String APPROVAL = "approval";
    /** {@code by} of what the agent did on its own. */
    public static final String AGENT = "agent";

    public AuditRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        outcome = outcome == null ? "" : outcome;
        from = from == null ? "" : from;
        to = to == null ? "" : to;
        by = by == null || by.isEmpty() ? AGENT : by;
        reason = reason == null ? "" : reason;
    }

    /** A record to append: the log gives it its number. */
    public static AuditRecord of(
            Instant at, String service, String kind, String outcome, String from, String to, String by, String reason) {
        return new AuditRecord(0, at, service, kind, outcome, from, to, by, reason);
    }

    AuditRecord numbered(long number) {
        return new AuditRecord(number, at, service, kind, outcome, from, to, by, reason);
    }

    /** The record as one JSON object (the log's line and {@code GET /v1/history}'s item). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", seq);
        node.put("at", at.toString());
        node.put("service", service);
        node.put("kind", kind);
        node.put("outcome", outcome);
        node.put("from", from.isEmpty() ? null : from);
        node.put("to", to.isEmpty() ? null : to);
        node.put("by", by);
        node.put("reason", reason.isEmpty() ? null : reason);
        return node;
    }

    /** Empty for a line that is not a whole record (a torn write, a hand edit). */
    static Optional<AuditRecord> fromJson(JsonNode node) {
        try {
            if (node == null || !node.isObject() || !node.path("seq").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new AuditRecord(
                    node.get("seq").longValue(),
                    Instant.parse(node.get("at").textValue()),
                    node.get("service").textValue(),
                    node.get("kind").textValue(),
                    node.path("outcome").asText(""),
                    node.path("from").asText(""),
                    node.path("to").asText(""),
                    node.path("by").asText(""),
                    node.path("reason").asText("")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
