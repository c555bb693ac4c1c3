package io.redeploy.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Turns YAML text into a {@link YamlNode} tree with Jackson's streaming YAML parser. Structural problems that
 * are not syntax errors (duplicate keys, aliases, a second document) are recorded and reading goes on.
 */
final class YamlTreeReader {
    private static final String CORE_TAG_PREFIX = "tag:yaml.org,2002:";
    /** SnakeYAML's limit on a key written without '?'. */
    private static final int MAX_SIMPLE_KEY_LENGTH = 1024;
    /** Tags that change nothing here: !!str on a scalar, !!map and !!seq on what already is one. */
    private static final Set<String> HARMLESS_TAGS =
            Set.of(CORE_TAG_PREFIX + "str", CORE_TAG_PREFIX + "map", CORE_TAG_PREFIX + "seq");

    // Not YAMLFactory.builder(): it drops the default parser features, and `key:` would read as "" instead of null.
    // Immutable once built and thread-safe, so one is shared rather than built per file.
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private final Problems problems;

    YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** The document's root, or empty when the text holds no document at all (empty or only comments). */
    Optional<YamlNode> read(String yaml) {
        YAMLParser parser = null;
        try {
            parser = (YAMLParser) FACTORY.createParser(yaml);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser, "");
            if (parser.nextToken() != null) {
                problems.add(
                        line(parser), "", "a second YAML document ('---') is not supported; expected one document");
            }
            return Optional.of(root);
        } catch (MarkedYAMLException e) {
            problems.add(
                    e.getProblemMark() == null
                            ? Problems.NO_LINE
                            : e.getProblemMark().getLine() + 1,
                    "",
                    "invalid YAML at column " + column(e) + ": " + describe(e) + "; expected valid YAML syntax"
                            + hint(e));
            return Optional.empty();
        } catch (StreamConstraintsException e) {
            // Jackson's limits (nesting depth, value sizes); its message names its own API, so say it plainly.
            problems.add(
                    parser == null ? Problems.NO_LINE : parser.currentLocation().getLineNr(),
                    "",
                    "the YAML is too large or too deeply nested for a config file: " + withoutApiNames(e)
                            + "; expected the agent's YAML config file");
            return Optional.empty();
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof ReaderException unreadable) {
                notText(yaml, unreadable);
                return Optional.empty();
            }
            JsonLocation at = e.getLocation();
            problems.add(at == null ? Problems.NO_LINE : at.getLineNr(), "", describe(e));
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a String: only reachable through a parser bug; still reported, never thrown.
            problems.add(Problems.NO_LINE, "", "cannot parse YAML: " + e.getMessage());
            return Optional.empty();
        } finally {
            closeQuietly(parser);
        }
    }

    /** Reads the value whose first token is the parser's current token. */
    private YamlNode readValue(YAMLParser parser, String path) throws IOException {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        if (parser.isCurrentAlias()) {
            problems.add(
                    line,
                    path,
                    "YAML alias '*" + parser.getText() + "' is not supported; expected the value written out in full");
            return new YamlNode.Scalar("", YamlNode.Scalar.Kind.NULL, line);
        }
        String tag = parser.getTypeId();
        if (tag != null && !tag.isEmpty() && !HARMLESS_TAGS.contains(tag)) {
            // Jackson half-honours tags (!!float abc becomes a "number" abc, !!binary a byte array): refuse them.
            problems.add(
                    line,
                    path,
                    "YAML tag '" + shortTag(tag) + "' is not supported; expected a plain value "
                            + "(quote it to make it a string)");
            return token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY
                    ? readStructure(parser, path, line, token)
                    : new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.STRING, line);
        }
        return switch (token) {
            case START_OBJECT, START_ARRAY -> readStructure(parser, path, line, token);
            case VALUE_STRING -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.STRING, line);
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.INTEGER, line);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.FLOAT, line);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.BOOLEAN, line);
            case VALUE_NULL -> new YamlNode.Scalar("", YamlNode.Scalar.Kind.NULL, line);
            default -> throw new IOException("unexpected YAML token " + token);
        };
    }

    private YamlNode readStructure(YAMLParser parser, String path, int line, JsonToken token) throws IOException {
        return token == JsonToken.START_OBJECT ? readMapping(parser, path, line) : readSequence(parser, path, line);
    }

    private YamlNode readMapping(YAMLParser parser, String path, int line) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line(parser);
            parser.nextToken();
            String childPath = path.isEmpty() ? key : path + "." + key;
            YamlNode value = readValue(parser, childPath);
            YamlNode.Entry first = entries.get(key);
            if (first != null) {
                // YAML parsers silently keep the last one; a repeated key is almost always a mistake.
                problems.add(
                        keyLine,
                        childPath,
                        "duplicate key (first at line " + first.keyLine() + "); expected each key once");
            } else {
                entries.put(key, new YamlNode.Entry(key, keyLine, value));
            }
        }
        return new YamlNode.Mapping(entries, line);
    }

    private YamlNode readSequence(YAMLParser parser, String path, int line) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, path + "[" + items.size() + "]"));
        }
        return new YamlNode.Sequence(items, line);
    }

    private static int line(YAMLParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static int column(MarkedYAMLException e) {
        return e.getProblemMark() == null ? 0 : e.getProblemMark().getColumn() + 1;
    }

    /** SnakeYAML's message without its multi-line source excerpt, e.g. "while parsing a flow sequence: expected ...". */
    private static String describe(MarkedYAMLException e) {
        String problem =
                e.getProblem() == null ? "syntax error" : e.getProblem().strip();
        String context = e.getContext();
        if (context == null || context.isBlank()) {
            return problem;
        }
        // The context mark is where the unfinished construct began, often the line to fix.
        String started = e.getContextMark() == null
                ? ""
                : " started at line " + (e.getContextMark().getLine() + 1);
        return context.strip() + started + ": " + problem;
    }

    /** The most common causes of SnakeYAML's terser errors, said the way an operator would fix them. */
    private static String hint(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        if (problem.contains("mapping values are not allowed") && column(e) > MAX_SIMPLE_KEY_LENGTH) {
            return " (a key is limited to " + MAX_SIMPLE_KEY_LENGTH + " characters)";
        }
        if (problem.contains("mapping values are not allowed")) {
            return " (quote a value that contains ': ', and check the indentation)";
        }
        return "";
    }

    /** SnakeYAML refuses control characters (NUL in a binary or UTF-16 file, an escape sequence pasted in). */
    private void notText(String yaml, ReaderException e) {
        int at = yaml.codePointCount(0, yaml.length()) > e.getPosition()
                ? yaml.offsetByCodePoints(0, e.getPosition())
                : yaml.length();
        String before = yaml.substring(0, at);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        int column = before.length() - before.lastIndexOf('\n');
        problems.add(
                line,
                "",
                String.format(
                        "invalid YAML at column %d: control character U+%04X is not allowed; "
                                + "expected text (tabs and line breaks are the only control characters YAML accepts)",
                        column, e.getCodePoint()));
    }

    /** Jackson's message in the operator's terms: no parser event classes, no source excerpt. */
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage();
        if (message.startsWith("Expected a field name")) {
            // "? [a, b]\n: c" or "{[a]: b}": YAML allows a list or mapping as a key, a config never needs one.
            return "a key is a list or mapping (a YAML complex key); expected keys written as plain text";
        }
        int firstLine = message.indexOf('\n');
        return "invalid YAML: "
                + withoutApiNames(firstLine < 0 ? message : message.substring(0, firstLine))
                        .strip() + "; expected valid YAML syntax";
    }

    /** "... exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" without the API. */
    private static String withoutApiNames(JsonProcessingException e) {
        return withoutApiNames(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
    }

    private static String withoutApiNames(String message) {
        return message.replaceAll(",? ?from `[^`]*`", "").replaceAll("<org\\.yaml\\.[^>]*>", "YAML structure");
    }

    /** tag:yaml.org,2002:int is written !!int; a local tag such as env is written !env. */
    private static String shortTag(String tag) {
        return tag.startsWith(CORE_TAG_PREFIX)
                ? "!!" + tag.substring(CORE_TAG_PREFIX.length())
                : tag.startsWith("!") ? tag : "!" + tag;
    }

    private static void closeQuietly(YAMLParser parser) {
        if (parser == null) {
            return;
        }
        try {
            parser.close();
        } catch (IOException ignored) {
            // A parser over a String holds no resource worth reporting.
        }
    }
}
