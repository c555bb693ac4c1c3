package io.redeploy.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: 500ms, 30s, 5m, 1h, or combined largest unit first like 1h30m. */
final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final String EXPECTED = "expected a number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m";

    private Durations() {}

    /** @throws IllegalArgumentException with a problem message naming the value and what is expected */
    static Duration parseAtLeast(String text, Duration minimum) {
        Duration duration = parse(text);
        if (duration.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("'" + text + "' is too short; expected at least " + format(minimum));
        }
        return duration;
    }

    static Duration parse(String text) {
        if (!WHOLE.matcher(text).matches()) {
            String hint = text.matches("\\d+") ? " (a bare number has no unit)" : "";
            throw new IllegalArgumentException("'" + text + "' is not a duration" + hint + "; " + EXPECTED);
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        try {
            while (part.find()) {
                long amount = Long.parseLong(part.group(1));
                total = total.plus(
                        switch (part.group(2)) {
                            case "ms" -> Duration.ofMillis(amount);
                            case "s" -> Duration.ofSeconds(amount);
                            case "m" -> Duration.ofMinutes(amount);
                            default -> Duration.ofHours(amount);
                        });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large; " + EXPECTED);
        }
        return total;
    }

    /** The shortest form {@link #parse} reads back, e.g. 1m30s, 500ms, 0s. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, duration.toHours(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        append(out, duration.toMillisPart(), "ms");
        return out.toString();
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }
}
