package io.redeploy.survey.service;

/** Normalizes user-typed text before it is validated or stored. */
final class Text {
    private Text() {}

    /**
     * Trimmed, null as empty, and without NUL characters, which PostgreSQL cannot store in text: left in,
     * a stray NUL from a client would turn a form post into a database error.
     */
    static String clean(String value) {
        return value == null ? "" : value.replace("\u0000", "").trim();
    }
}
