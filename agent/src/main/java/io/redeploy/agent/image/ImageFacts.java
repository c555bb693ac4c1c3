package io.redeploy.agent.image;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What an image's config declares about itself, as far as policies care: its labels (e.g.
 * {@code org.opencontainers.image.version}), its environment (e.g. {@code PG_MAJOR=15}) and its creation time (the
 * config's {@code created}, OCI image spec; empty when absent or unreadable). Read from the local image for what
 * runs, and from the registry for a candidate before anything is pulled.
 */
public record ImageFacts(Map<String, String> labels, Map<String, String> env, Optional<Instant> created) {
    public static final ImageFacts NONE = new ImageFacts(Map.of(), Map.of());

    public ImageFacts {
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
    }

    /** Without a creation time. */
    public ImageFacts(Map<String, String> labels, Map<String, String> env) {
        this(labels, env, Optional.empty());
    }

    /** {@code created} as the image config and the engine write it (RFC 3339); empty when it is not one. */
    public static Optional<Instant> parseCreated(String text) {
        if (text == null || text.isBlank()) return Optional.empty();
        try {
            return Optional.of(java.time.OffsetDateTime.parse(text.strip()).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
