package io.redeploy.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed, problem-recording access to one YAML mapping with a fixed set of keys. Unknown keys are reported
 * as soon as the reader is made (a typo must never be ignored). Every getter returns empty both when the
 * key is absent and when its value is wrong; in the second case the problem has already been recorded,
 * so callers just fall back to a default and keep going to find the next problem.
 */
final class MappingReader {
    private final YamlNode.Mapping mapping;
    private final String path;
    private final Problems problems;

    MappingReader(YamlNode.Mapping mapping, String path, Problems problems, List<String> knownKeys) {
        this.mapping = mapping;
        this.path = path;
        this.problems = problems;
        reportUnknownKeys(knownKeys);
    }

    /** A reader for {@code node} when it is a mapping; records "expected a mapping" otherwise. */
    static Optional<MappingReader> of(
            YamlNode node, String path, Problems problems, String expectation, List<String> knownKeys) {
        return asMapping(node, path, problems, expectation).map(m -> new MappingReader(m, path, problems, knownKeys));
    }

    String path() {
        return path;
    }

    Problems problems() {
        return problems;
    }

    int line() {
        return mapping.line();
    }

    boolean has(String key) {
        return mapping.entries().containsKey(key);
    }

    String pathOf(String key) {
        return child(path, key);
    }

    /** Line of the key's value, or of this mapping when the key is absent. */
    int lineOf(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? mapping.line() : entry.value().line();
    }

    Optional<YamlNode> node(String key) {
        return Optional.ofNullable(mapping.entries().get(key)).map(YamlNode.Entry::value);
    }

    Optional<String> string(String key, String expectation) {
        return node(key).flatMap(n -> asText(n, pathOf(key), problems, expectation));
    }

    /** A string turned into a value by {@code parser}, whose IllegalArgumentException message becomes the problem. */
    <T> Optional<T> parsed(String key, String expectation, Function<String, T> parser) {
        return node(key).flatMap(n -> parse(n, pathOf(key), problems, expectation, parser));
    }

    Optional<Boolean> bool(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.BOOLEAN) {
                return Optional.of(
                        Set.of("true", "yes", "on", "y").contains(s.text().toLowerCase(Locale.ROOT)));
            }
            problems.add(n.line(), pathOf(key), "got " + n.describe() + "; expected true or false");
            return Optional.empty();
        });
    }

    Optional<Integer> port(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof YamlNode.Scalar s && s.kind() == YamlNode.Scalar.Kind.INTEGER) {
                if (!s.text().matches("-?\\d+")) {
                    // YAML 1.1 reads 0x1538 and 0o17 as integers; a port written so is almost surely a slip.
                    problems.add(
                            n.line(), pathOf(key), "port " + s.text() + " is not a decimal number; expected 1-65535");
                    return Optional.empty();
                }
                try {
                    int port = Integer.parseInt(s.text());
                    if (port >= 1 && port <= 65535) {
                        return Optional.of(port);
                    }
                } catch (NumberFormatException tooBigOrHex) {
                    // falls through to the problem below
                }
                problems.add(n.line(), pathOf(key), "port " + s.text() + " is out of range; expected 1-65535");
                return Optional.empty();
            }
            problems.add(n.line(), pathOf(key), "got " + n.describe() + "; expected a port number 1-65535");
            return Optional.empty();
        });
    }

    /** A duration such as 500ms, 30s, 5m, 1h or 1m30s, at least {@code minimum}. */
    Optional<Duration> duration(String key, Duration minimum) {
        return node(key)
                .flatMap(n -> parse(
                        n,
                        pathOf(key),
                        problems,
                        "a duration such as 500ms, 30s, 5m or 1h",
                        text -> Durations.parseAtLeast(text, minimum)));
    }

    Optional<YamlNode.Mapping> mapping(String key, String expectation) {
        return node(key).flatMap(n -> asMapping(n, pathOf(key), problems, expectation));
    }

    Optional<MappingReader> reader(String key, String expectation, List<String> knownKeys) {
        return node(key).flatMap(n -> of(n, pathOf(key), problems, expectation, knownKeys));
    }

    Optional<YamlNode.Sequence> sequence(String key, String expectation) {
        return node(key).flatMap(n -> {
            if (n instanceof YamlNode.Sequence s) {
                return Optional.of(s);
            }
            problems.add(n.line(), pathOf(key), "got " + n.describe() + "; expected " + expectation);
            return Optional.empty();
        });
    }

    // --- helpers shared with code that walks free-form mappings and lists ---

    /** Calls {@code binder} with each item of the sequence under {@code key} and the item's path, if there is one. */
    void forEachItem(String key, String expectation, java.util.function.BiConsumer<YamlNode, String> binder) {
        sequence(key, expectation).ifPresent(sequence -> {
            for (int i = 0; i < sequence.items().size(); i++) {
                binder.accept(sequence.items().get(i), item(pathOf(key), i));
            }
        });
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    static Optional<YamlNode.Mapping> asMapping(YamlNode node, String path, Problems problems, String expectation) {
        if (node instanceof YamlNode.Mapping m) {
            return Optional.of(m);
        }
        problems.add(node.line(), path, "got " + node.describe() + "; expected " + expectation);
        return Optional.empty();
    }

    /** The text of a non-null scalar of any kind ({@code tag: 16} is the string "16"). */
    static Optional<String> asText(YamlNode node, String path, Problems problems, String expectation) {
        if (node instanceof YamlNode.Scalar s && !s.isNull()) {
            return Optional.of(s.text());
        }
        problems.add(node.line(), path, "got " + node.describe() + "; expected " + expectation);
        return Optional.empty();
    }

    static <T> Optional<T> parse(
            YamlNode node, String path, Problems problems, String expectation, Function<String, T> parser) {
        return asText(node, path, problems, expectation).flatMap(text -> {
            try {
                return Optional.of(parser.apply(text));
            } catch (IllegalArgumentException e) {
                problems.add(node.line(), path, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private void reportUnknownKeys(List<String> knownKeys) {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (knownKeys.contains(entry.key())) {
                continue;
            }
            String where = path.isEmpty() ? " at top level" : "";
            String hint = KeySuggester.nearest(entry.key(), knownKeys)
                    .map(k -> "did you mean '" + k + "'?")
                    .orElse("expected one of: " + String.join(", ", knownKeys));
            problems.add(entry.keyLine(), path, "unknown key '" + entry.key() + "'" + where + "; " + hint);
        }
    }
}
