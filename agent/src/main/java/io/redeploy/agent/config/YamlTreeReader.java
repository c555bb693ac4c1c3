package io.redeploy.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns YAML text into a {@link YamlNode} tree with Jackson's streaming YAML parser. Structural problems that
 * are not syntax errors (duplicate keys, aliases, a second document) are recorded and reading goes on.
 */
final class YamlTreeReader {
    // Not YAMLFactory.builder(): it drops the default parser features, and `key:` would read as "" instead of null.
    private final YAMLFactory factory = new YAMLFactory();
    private final Problems problems;

    YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** The document's root, or empty when the text holds no document at all (empty or only comments). */
    Optional<YamlNode> read(String yaml) {
        try (YAMLParser parser = (YAMLParser) factory.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser, "");
            if (parser.nextToken() != null) {
                problems.add(line(parser), "", "a second YAML document ('---') is not supported; expected one document");
            }
            return Optional.of(root);
        } catch (MarkedYAMLException e) {
            problems.add(e.getProblemMark() == null ? Problems.NO_LINE : e.getProblemMark().getLine() + 1, "",
                    "invalid YAML at column " + column(e) + ": " + describe(e) + "; expected valid YAML syntax");
            return Optional.empty();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(at == null ? Problems.NO_LINE : at.getLineNr(), "",
                    "invalid YAML: " + e.getOriginalMessage() + "; expected valid YAML syntax");
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a String: only reachable through a parser bug; still reported, never thrown.
            problems.add(Problems.NO_LINE, "", "cannot parse YAML: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads the value whose first token is the parser's current token. */
    private YamlNode readValue(YAMLParser parser, String path) throws IOException {
        int line = line(parser);
        JsonToken token = parser.currentToken();
        if (parser.isCurrentAlias()) {
            problems.add(line, path, "YAML alias '*" + parser.getText()
                    + "' is not supported; expected the value written out in full");
            return new YamlNode.Scalar("", YamlNode.Scalar.Kind.NULL, line);
        }
        return switch (token) {
            case START_OBJECT -> readMapping(parser, path, line);
            case START_ARRAY -> readSequence(parser, path, line);
            case VALUE_STRING -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.STRING, line);
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.INTEGER, line);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.FLOAT, line);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(parser.getText(), YamlNode.Scalar.Kind.BOOLEAN, line);
            case VALUE_NULL -> new YamlNode.Scalar("", YamlNode.Scalar.Kind.NULL, line);
            default -> throw new IOException("unexpected YAML token " + token);
        };
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
                problems.add(keyLine, childPath, "duplicate key (first at line " + first.keyLine()
                        + "); expected each key once");
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
        String problem = e.getProblem() == null ? "syntax error" : e.getProblem().strip();
        String context = e.getContext();
        if (context == null || context.isBlank()) {
            return problem;
        }
        // The context mark is where the unfinished construct began, often the line to fix.
        String started = e.getContextMark() == null ? "" : " started at line " + (e.getContextMark().getLine() + 1);
        return context.strip() + started + ": " + problem;
    }
}
