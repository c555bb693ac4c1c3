package io.redeploy.agent.signing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON as signature artifacts must be read: a duplicate key is an error, not "the last one wins". Two parsers that
 * disagree on which duplicate counts (Go takes the last, others the first) are how signed payloads get re-read as
 * something else; refusing both keeps the question from arising.
 */
final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(32).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {}

    /** @throws IllegalArgumentException with a short reason (never the content) */
    static JsonNode read(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int newline = message.indexOf('\n');
            throw new IllegalArgumentException(
                    "not valid JSON (" + (newline < 0 ? message : message.substring(0, newline)) + ")");
        }
    }

    /** A member looked up without regard to case, as Go's encoding/json (and so cosign) does; two spellings are an error. */
    static JsonNode member(JsonNode object, String name) {
        JsonNode found = null;
        for (var fields = object.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                if (found != null) throw new IllegalArgumentException("'" + name + "' appears twice in different case");
                found = field.getValue();
            }
        }
        return found == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : found;
    }
}
