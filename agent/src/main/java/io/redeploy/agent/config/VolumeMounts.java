package io.redeploy.agent.config;

import java.util.regex.Pattern;

/** Parses {@code source:target[:ro|rw]} where source is a named volume or an absolute host path. */
final class VolumeMounts {
    /** Docker's rule for volume names. */
    static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

    private static final String EXPECTED =
            "expected volume_name:/container/path or /host/path:/container/path, optionally followed by :ro";

    private VolumeMounts() {}

    /** @throws IllegalArgumentException with a problem message naming the value and what is expected */
    static VolumeMount parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + text + "' is not a volume mount; " + EXPECTED);
        }
        String source = parts[0];
        String target = parts[1];
        boolean readOnly = false;
        if (parts.length == 3) {
            if (!parts[2].equals("ro") && !parts[2].equals("rw")) {
                throw new IllegalArgumentException("'" + text + "' has mode '" + parts[2] + "'; expected ro or rw");
            }
            readOnly = parts[2].equals("ro");
        }
        if (!source.startsWith("/") && !VOLUME_NAME.matcher(source).matches()) {
            // A relative path would resolve against the agent's working directory, which means nothing here.
            throw new IllegalArgumentException("'" + text + "' has source '" + source
                    + "' which is neither a volume name nor an absolute host path; " + EXPECTED);
        }
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException(
                    "'" + text + "' has container path '" + target + "' which is not absolute; " + EXPECTED);
        }
        return new VolumeMount(source, target, readOnly);
    }
}
