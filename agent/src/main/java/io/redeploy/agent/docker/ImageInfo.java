package io.redeploy.agent.docker;

import java.util.List;
import java.util.Map;

/**
 * A local image.
 *
 * @param repoDigests    {@code repo@sha256:...} entries: the registry digests this image was pulled or pushed as
 * @param hasHealthcheck the image defines a Docker HEALTHCHECK (and does not disable it with NONE)
 * @param labels         the image config's labels (e.g. {@code org.opencontainers.image.version})
 * @param env            the image config's environment, name to value (e.g. {@code PG_MAJOR=16})
 * @param created        when the image was built (its config's {@code created}); empty when unknown
 */
public record ImageInfo(
        String id,
        List<String> repoTags,
        List<String> repoDigests,
        boolean hasHealthcheck,
        Map<String, String> labels,
        Map<String, String> env,
        java.util.Optional<java.time.Instant> created) {
    public ImageInfo {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
    }

    /** Its labels and environment, as policies read them. */
    public io.redeploy.agent.image.ImageFacts facts() {
        return new io.redeploy.agent.image.ImageFacts(labels, env, created);
    }

    /** Without a creation time. */
    public ImageInfo(
            String id,
            List<String> repoTags,
            List<String> repoDigests,
            boolean hasHealthcheck,
            Map<String, String> labels,
            Map<String, String> env) {
        this(id, repoTags, repoDigests, hasHealthcheck, labels, env, java.util.Optional.empty());
    }

    /** An image whose labels and environment do not matter to the caller. */
    public ImageInfo(String id, List<String> repoTags, List<String> repoDigests, boolean hasHealthcheck) {
        this(id, repoTags, repoDigests, hasHealthcheck, Map.of(), Map.of());
    }
}
