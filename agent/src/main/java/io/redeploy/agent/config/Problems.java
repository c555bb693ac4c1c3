package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects every problem found while reading one config file, so the operator sees all of them in one run.
 * Each becomes one line: {@code source:line: key.path: message}, sorted by line (file order).
 */
final class Problems {
    static final int NO_LINE = 0;
    /** A run of non-blank text longer than this (a pasted blob, a runaway value) is shortened in the middle. */
    private static final int LONGEST_RUN = 200;

    private static final Pattern LONG_RUN = Pattern.compile("\\S{" + (LONGEST_RUN + 1) + ",}");

    private record Problem(int line, String path, String message) {}

    private final String source;
    private final List<Problem> problems = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    /** A problem with a key; {@code path} is the dotted key path, empty for the top level. */
    void add(int line, String path, String message) {
        problems.add(new Problem(line, path, message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<String> lines() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Problem::line))
                .map(this::format)
                .toList();
    }

    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(lines());
        }
    }

    private String format(Problem p) {
        String where = p.line() == NO_LINE ? source : source + ":" + p.line();
        String what = p.path().isEmpty() ? p.message() : p.path() + ": " + p.message();
        return readable(where) + ": " + shortened(readable(what));
    }

    /**
     * Values are quoted back as written, and YAML lets them hold line breaks and control characters: escape
     * them so a problem stays one line and cannot rewrite the operator's terminal.
     */
    static String readable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** Keeps both ends of an overlong run, so the quote marks and what it starts with stay visible. */
    private static String shortened(String text) {
        Matcher run = LONG_RUN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (run.find()) {
            String r = run.group();
            run.appendReplacement(
                    out,
                    Matcher.quoteReplacement(r.substring(0, 60) + "...(" + r.length() + " characters)..."
                            + r.substring(r.length() - 20)));
        }
        run.appendTail(out);
        return out.toString();
    }
}
