package io.redeploy.agent.deploy;

import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.util.Optional;

/** Builds one {@code key=value} log line; values with spaces or quotes are quoted so the line stays parseable. */
final class LogLine {
    private final StringBuilder line = new StringBuilder();

    private LogLine(String event) {
        line.append("event=").append(event);
    }

    static LogLine event(String event) {
        return new LogLine(event);
    }

    LogLine with(String key, Object value) {
        String text = String.valueOf(value);
        line.append(' ').append(key).append('=');
        if (text.isEmpty() || text.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c == '\n')) {
            line.append('"')
                    .append(text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " | "))
                    .append('"');
        } else {
            line.append(text);
        }
        return this;
    }

    LogLine digest(String key, Optional<Digest> digest) {
        return with(key, digest.map(Digest::shortForm).orElse("none"));
    }

    LogLine digest(String key, Digest digest) {
        return with(key, digest.shortForm());
    }

    LogLine duration(Duration d) {
        return with("duration_ms", d.toMillis());
    }

    @Override
    public String toString() {
        return line.toString();
    }
}
