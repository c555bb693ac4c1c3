package io.redeploy.agent.it;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code event=...} line of the agent's log, as slf4j-simple prints it with the packaged settings:
 * {@code 2026-12-02T10:55:00.123Z INFO Recorder - event=deploy.start service=web from=... to=...}. Values are bare
 * tokens or double-quoted with {@code \} escapes (log.Event).
 */
record EventLine(Instant at, String level, String event, Map<String, String> fields, String text) {

    /** Every event line of {@code log}, in order; other lines (stack traces, banners) are skipped. */
    static List<EventLine> parse(String log) {
        List<EventLine> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            parseLine(line).ifPresent(lines::add);
        }
        return lines;
    }

    static Optional<EventLine> parseLine(String line) {
        int space = line.indexOf(' ');
        int event = line.indexOf(" - event=");
        if (space <= 0 || event < 0) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(line.substring(0, space)).toInstant();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        String level = line.substring(space + 1, line.indexOf(' ', space + 1));
        Map<String, String> fields = fields(line.substring(event + 3));
        return Optional.of(new EventLine(at, level, fields.getOrDefault("event", ""), fields, line));
    }

    String get(String key) {
        return fields.getOrDefault(key, "");
    }

    boolean is(String name, String service) {
        return event.equals(name) && get("service").equals(service);
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < text.length() && text.charAt(j) == '"') {
                j++;
                while (j < text.length() && text.charAt(j) != '"') {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j++));
                }
                j++;
            } else {
                while (j < text.length() && text.charAt(j) != ' ') {
                    value.append(text.charAt(j++));
                }
            }
            fields.put(key, value.toString());
            i = j + 1;
        }
        return fields;
    }
}
