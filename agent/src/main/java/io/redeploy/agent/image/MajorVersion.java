package io.redeploy.agent.image;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The major version an image declares, read from its config: the official database images set an env such as
 * {@code PG_MAJOR=16}; images built with OCI labels set {@code org.opencontainers.image.version=16.4}.
 */
public record MajorVersion(String source, int major, String raw) {

    /** Where a version is looked for, most specific first. */
    public static final List<String> SOURCES = List.of(
            "env:PG_MAJOR",
            "env:MYSQL_MAJOR",
            "env:MONGO_MAJOR",
            "label:org.opencontainers.image.version",
            "env:PG_VERSION",
            "env:MARIADB_VERSION",
            "env:MYSQL_VERSION",
            "env:MONGO_VERSION",
            "env:REDIS_VERSION");
    /** Optional Debian epoch ("1:"), optional "v", then the major digits. */
    private static final Pattern LEADING_MAJOR = Pattern.compile("^(?:\\d+:)?[vV]?(\\d{1,9})(?:\\D.*)?$");

    /** The major from {@code source} (e.g. {@code env:PG_MAJOR}); empty when absent or not a version. */
    public static Optional<MajorVersion> read(ImageFacts image, String source) {
        String value = source.startsWith("env:")
                ? image.env().get(source.substring(4))
                : image.labels().get(source.substring("label:".length()));
        return parse(value).map(major -> new MajorVersion(source, major, value.strip()));
    }

    public static Optional<Integer> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = LEADING_MAJOR.matcher(value.strip());
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    @Override
    public String toString() {
        return major + " (" + source + "=" + raw + ")";
    }
}
