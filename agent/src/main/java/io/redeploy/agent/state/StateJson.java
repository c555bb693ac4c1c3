package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON shape of {@link ServiceState}, shared by the state file and {@code GET /status} so an operator
 * reads the same field names in both. Written by hand rather than by data binding: the file is a
 * compatibility contract (versioned by {@code format}), and absent values must read as {@code null}.
 */
public final class StateJson {
    static final int FORMAT = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StateJson() {}

    /** One service: image, tag, digests, last check, last deploy, failed digests, and the history if asked. */
    public static ObjectNode toJson(ServiceState state, boolean withHistory) {
        ObjectNode node = NODES.objectNode();
        node.put("service", state.service());
        node.put("image", emptyToNull(state.imageName()));
        node.put("tag", emptyToNull(state.tag()));
        node.put("runningDigest", state.runningDigest().orElse(null));
        node.put("registryDigest", state.registryDigest().orElse(null));
        node.set("lastCheck", state.lastCheck().map(StateJson::checkJson).orElse(null));
        node.set("lastDeploy", state.lastDeploy().map(StateJson::deployJson).orElse(null));
        ArrayNode failed = node.putArray("failedDigests");
        state.failedDigests().forEach(failed::add);
        node.set("hold", state.hold().map(StateJson::holdJson).orElse(null));
        node.set("approval", state.approval().map(StateJson::approvalJson).orElse(null));
        if (withHistory) {
            ArrayNode history = node.putArray("history");
            state.history().forEach(record -> history.add(deployJson(record)));
        }
        return node;
    }

    static ObjectNode fileJson(Map<String, ServiceState> services) {
        ObjectNode root = NODES.objectNode();
        root.put("format", FORMAT);
        ObjectNode byName = root.putObject("services");
        new TreeMap<>(services).forEach((name, state) -> byName.set(name, toJson(state, true)));
        return root;
    }

    /** Reads a state file; any deviation from the expected shape is a {@link CorruptStateException}. */
    static Map<String, ServiceState> parseFile(byte[] content, ObjectMapper mapper) throws CorruptStateException {
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (Exception e) {
            throw new CorruptStateException("not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new CorruptStateException("expected a JSON object at the top level");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt() || format.intValue() != FORMAT) {
            throw new CorruptStateException("unsupported format " + format + " (expected " + FORMAT + ")");
        }
        JsonNode services = root.get("services");
        if (services == null || !services.isObject()) {
            throw new CorruptStateException("'services' must be an object");
        }
        Map<String, ServiceState> result = new TreeMap<>();
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) services::fields) {
            result.put(entry.getKey(), parseService(entry.getKey(), entry.getValue()));
        }
        return result;
    }

    private static ServiceState parseService(String name, JsonNode node) throws CorruptStateException {
        String where = "services." + name;
        requireObject(node, where);
        String image = optionalText(node, "image", where).orElse("");
        String tag = optionalText(node, "tag", where).orElse("");
        String fullImage = tag.isEmpty() ? image : image + ":" + tag;
        List<DeployRecord> history = new ArrayList<>();
        JsonNode historyNode = node.get("history");
        if (historyNode != null && !historyNode.isNull()) {
            requireArray(historyNode, where + ".history");
            for (int i = 0; i < historyNode.size(); i++) {
                history.add(parseDeploy(historyNode.get(i), where + ".history[" + i + "]"));
            }
        }
        Optional<DeployRecord> lastDeploy =
                history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        return new ServiceState(
                name,
                fullImage,
                optionalText(node, "runningDigest", where),
                optionalText(node, "registryDigest", where),
                optionalCheck(node.get("lastCheck"), where + ".lastCheck"),
                lastDeploy,
                parseStrings(node.get("failedDigests"), where + ".failedDigests"),
                history,
                optionalHold(node.get("hold"), where + ".hold"),
                optionalApproval(node.get("approval"), where + ".approval"));
    }

    // Absent in files written before approvals existed: nothing waits.
    private static Optional<Approval> optionalApproval(JsonNode node, String where) throws CorruptStateException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        requireObject(node, where);
        Optional<String> by = optionalText(node, "approvedBy", where);
        return Optional.of(new Approval(
                requiredText(node, "digest", where),
                instant(node, "since", where),
                by,
                by.isPresent() ? Optional.of(instant(node, "approvedAt", where)) : Optional.empty()));
    }

    /** A digest waiting for approval as {@code /status} and the state file show it. */
    public static ObjectNode approvalJson(Approval approval) {
        ObjectNode node = NODES.objectNode();
        node.put("digest", approval.digest());
        node.put("since", approval.since().toString());
        node.put("status", approval.approved() ? "approved" : "pending");
        node.put("approvedBy", approval.approvedBy().orElse(null));
        node.put("approvedAt", approval.approvedAt().map(Instant::toString).orElse(null));
        return node;
    }

    // Absent in files written before holds existed: read as not held.
    private static Optional<Hold> optionalHold(JsonNode node, String where) throws CorruptStateException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        requireObject(node, where);
        return Optional.of(new Hold(
                requiredText(node, "by", where),
                instant(node, "since", where),
                optionalText(node, "reason", where).orElse("")));
    }

    /** A hold as {@code /status} and the state file show it: who, since when, why. */
    public static ObjectNode holdJson(Hold hold) {
        ObjectNode node = NODES.objectNode();
        node.put("by", hold.by());
        node.put("since", hold.since().toString());
        node.put("reason", emptyToNull(hold.reason()));
        return node;
    }

    private static Optional<Check> optionalCheck(JsonNode node, String where) throws CorruptStateException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        requireObject(node, where);
        return Optional.of(new Check(instant(node, "at", where), requiredText(node, "result", where)));
    }

    private static DeployRecord parseDeploy(JsonNode node, String where) throws CorruptStateException {
        requireObject(node, where);
        JsonNode seconds = node.get("durationSeconds");
        if (seconds == null || !seconds.isNumber() || seconds.doubleValue() < 0) {
            throw new CorruptStateException(where + ".durationSeconds must be a non-negative number");
        }
        return new DeployRecord(
                optionalText(node, "from", where).orElse(""),
                requiredText(node, "to", where),
                instant(node, "at", where),
                Duration.ofMillis(seconds.decimalValue().movePointRight(3).longValue()),
                requiredText(node, "outcome", where),
                optionalText(node, "reason", where).orElse(""));
    }

    private static Set<String> parseStrings(JsonNode node, String where) throws CorruptStateException {
        Set<String> values = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return values;
        }
        requireArray(node, where);
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new CorruptStateException(where + " must hold strings only");
            }
            values.add(item.textValue());
        }
        return values;
    }

    private static ObjectNode checkJson(Check check) {
        ObjectNode node = NODES.objectNode();
        node.put("at", check.at().toString());
        node.put("result", check.result());
        return node;
    }

    private static ObjectNode deployJson(DeployRecord record) {
        ObjectNode node = NODES.objectNode();
        node.put("from", emptyToNull(record.from()));
        node.put("to", record.to());
        node.put("at", record.at().toString());
        node.put(
                "durationSeconds",
                BigDecimal.valueOf(record.duration().toMillis()).movePointLeft(3));
        node.put("outcome", record.outcome());
        node.put("reason", emptyToNull(record.reason()));
        return node;
    }

    private static Instant instant(JsonNode node, String field, String where) throws CorruptStateException {
        String text = requiredText(node, field, where);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new CorruptStateException(where + "." + field + " is not an ISO-8601 instant: " + text);
        }
    }

    private static String requiredText(JsonNode node, String field, String where) throws CorruptStateException {
        return optionalText(node, field, where)
                .orElseThrow(() -> new CorruptStateException(where + "." + field + " is missing"));
    }

    private static Optional<String> optionalText(JsonNode node, String field, String where)
            throws CorruptStateException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new CorruptStateException(where + "." + field + " must be a string");
        }
        return Optional.of(value.textValue());
    }

    private static void requireObject(JsonNode node, String where) throws CorruptStateException {
        if (node == null || !node.isObject()) {
            throw new CorruptStateException(where + " must be an object");
        }
    }

    private static void requireArray(JsonNode node, String where) throws CorruptStateException {
        if (!node.isArray()) {
            throw new CorruptStateException(where + " must be an array");
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
