package io.redeploy.agent.log;

import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One operator-facing log line, {@code event=<name> key=value ...}: the only way the agent logs an event, through
 * SLF4J 2's fluent API. The fields are rendered into the message here, quoted and escaped in one place: SLF4J's own
 * key-value pairs would be printed by slf4j-simple unquoted and in front of the message (measured: {@code service=web
 * event=deploy.done ...}), which breaks both the quoting and the {@code event=} first rule. Event names and field names
 * are an interface operators grep: see docs/operations.md#event-catalogue.
 *
 * <pre>{@code Event.info(log, "deploy.done").with("service", "web").digest("to", digest).duration(took).log();}</pre>
 */
public final class Event {
    private final Logger logger;
    private final Level level;
    private final String name;
    private final List<String[]> fields = new ArrayList<>();
    private Throwable cause;

    private Event(Logger logger, Level level, String name) {
        this.logger = logger;
        this.level = level;
        this.name = name;
    }

    public static Event info(Logger logger, String name) {
        return new Event(logger, Level.INFO, name);
    }

    public static Event warn(Logger logger, String name) {
        return new Event(logger, Level.WARN, name);
    }

    public static Event error(Logger logger, String name) {
        return new Event(logger, Level.ERROR, name);
    }

    public static Event debug(Logger logger, String name) {
        return new Event(logger, Level.DEBUG, name);
    }

    /** At a level chosen by the caller (e.g. INFO the first time, DEBUG after). */
    public static Event at(Logger logger, Level level, String name) {
        return new Event(logger, level, name);
    }

    /** Adds {@code key=value}; {@code value}'s {@code toString()} is quoted when it needs to be. */
    public Event with(String key, Object value) {
        fields.add(new String[] {key, String.valueOf(value)});
        return this;
    }

    /** The digest in its short form ({@code sha256:1a2b3c4d5e6f}), as every event shows digests. */
    public Event digest(String key, Digest digest) {
        return with(key, digest.shortForm());
    }

    /** The short digest, or {@code none}. */
    public Event digest(String key, Optional<Digest> digest) {
        return with(key, digest.map(Digest::shortForm).orElse("none"));
    }

    public Event duration(Duration duration) {
        return with("duration_ms", duration.toMillis());
    }

    /** {@code reason=...}: one readable sentence, never a secret. */
    public Event reason(String reason) {
        return with("reason", reason);
    }

    /** Attaches a stack trace: only for bugs, never for an expected failure (its message is the reason). */
    public Event cause(Throwable throwable) {
        this.cause = throwable;
        return this;
    }

    public void log() {
        if (!logger.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder builder = logger.atLevel(level);
        if (cause != null) {
            builder = builder.setCause(cause);
        }
        builder.log(render());
    }

    /** The line as logged, without the logger's prefix. */
    public String render() {
        StringBuilder line = new StringBuilder("event=").append(name);
        for (String[] field : fields) {
            line.append(' ').append(field[0]).append('=').append(quoted(field[1]));
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * A value as it appears in a line: bare when it is one token, else in double quotes with {@code \} and {@code "}
     * escaped; line breaks become {@code " | "} and other control characters a space, so one event stays one line.
     */
    static String quoted(String value) {
        boolean bare = !value.isEmpty();
        StringBuilder out = new StringBuilder(value.length() + 2);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r') {
                continue;
            }
            if (c == '\n') {
                out.append(" | ");
                bare = false;
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
                bare = false;
            } else if (Character.isISOControl(c)) {
                out.append(' ');
                bare = false;
            } else {
                out.append(c);
                bare &= c != ' ' && c != '=';
            }
        }
        return bare ? out.toString() : "\"" + out + "\"";
    }
}
