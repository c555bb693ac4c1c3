package io.redeploy.agent.config;

import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value with the line it starts on. Our own tiny tree instead of Jackson's JsonNode because
 * error messages need line numbers, duplicate keys must be caught, and scalars keep their exact text
 * ({@code tag: 1.10} stays "1.10", not the number 1.1).
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    int line();

    /** How the value is shown in a problem line when its type is wrong, e.g. {@code '8000' (a string)}. */
    String describe();

    /** A mapping entry; {@code keyLine} is where the key is written (unknown-key problems point there). */
    record Entry(String key, int keyLine, YamlNode value) {}

    /** Entries in file order. */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar with its source text; {@code kind} is what YAML would have resolved it to. */
    record Scalar(String text, Kind kind, int line) implements YamlNode {
        enum Kind {
            STRING,
            INTEGER,
            FLOAT,
            BOOLEAN,
            NULL
        }

        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "'" + text + "' (a string)";
                case INTEGER, FLOAT -> text + " (a number)";
                case BOOLEAN -> text + " (a boolean)";
                case NULL -> "no value";
            };
        }
    }
}
