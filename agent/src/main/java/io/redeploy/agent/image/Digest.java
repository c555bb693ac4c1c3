package io.redeploy.agent.image;

import java.util.regex.Pattern;

/** A content digest as the OCI image spec defines it; only sha256 and sha512 are accepted. */
public record Digest(String value) {
    private static final Pattern FORMAT = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

    public Digest {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid digest: '" + abbreviate(value) + "'");
        }
    }

    public static Digest parse(String value) {
        return new Digest(value);
    }

    public static boolean isValid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    /** {@code sha256:1a2b3c4d5e6f}: enough to tell builds apart in a log line. */
    public String shortForm() {
        int colon = value.indexOf(':');
        return value.substring(0, Math.min(value.length(), colon + 13));
    }

    @Override
    public String toString() {
        return value;
    }

    private static String abbreviate(String s) {
        if (s == null) return "null";
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
