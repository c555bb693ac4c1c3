package io.redeploy.agent.http;

/**
 * Escaping for the status page: every value that did not come from this package (a service name, a reason an operator
 * typed, an image name) goes through {@link #text} before it is put into the page, in element text and in attribute
 * values alike (attributes are always double-quoted).
 */
final class Html {
    private Html() {}

    static String text(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An instant to the second: the page is for people, nanoseconds are noise. */
    static String instant(java.time.Instant at) {
        return text(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }

    /** A digest as logs show it: {@code sha256:} and the first 12 hex digits; a dash when absent. */
    static String shortDigest(String digest) {
        if (digest == null || digest.isEmpty()) {
            return "-";
        }
        int colon = digest.indexOf(':');
        int end = Math.min(digest.length(), colon + 1 + 12);
        return text(digest.substring(0, end));
    }
}
