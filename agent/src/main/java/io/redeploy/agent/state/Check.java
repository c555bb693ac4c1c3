package io.redeploy.agent.state;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one registry check of a service: {@code ok}, {@code unchanged}, {@code new-digest}
 * or {@code error: <one-line message>} (the message never contains a credential).
 */
public record Check(Instant at, String result) {
    public static final String OK = "ok";
    public static final String UNCHANGED = "unchanged";
    public static final String NEW_DIGEST = "new-digest";
    /** The container exists but does not run; the detail follows after a colon. */
    public static final String DOWN = "down";

    public Check {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(result, "result");
    }

    /** {@code error: message}, newlines folded so the result stays one line in logs and JSON. */
    public static String error(String message) {
        return "error: " + String.valueOf(message).replaceAll("\\s+", " ").trim();
    }

    public boolean isDown() {
        return result.startsWith(DOWN);
    }

    public boolean isError() {
        return result.startsWith("error");
    }
}
