package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem found while reading one config file, so the operator sees all of them in one run.
 * Each becomes one line: {@code source:line: key.path: message}, sorted by line (file order).
 */
final class Problems {
    static final int NO_LINE = 0;

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
        return p.path().isEmpty() ? where + ": " + p.message() : where + ": " + p.path() + ": " + p.message();
    }
}
