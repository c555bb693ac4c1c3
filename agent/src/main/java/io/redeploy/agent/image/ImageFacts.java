package io.redeploy.agent.image;

import java.util.Map;

/**
 * What an image's config declares about itself, as far as policies care: its labels (e.g.
 * {@code org.opencontainers.image.version}) and its environment (e.g. {@code PG_MAJOR=15}). Read from the local
 * image for what runs, and from the registry for a candidate before anything is pulled.
 */
public record ImageFacts(Map<String, String> labels, Map<String, String> env) {
    public static final ImageFacts NONE = new ImageFacts(Map.of(), Map.of());

    public ImageFacts {
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
    }
}
