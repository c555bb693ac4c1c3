package io.redeploy.agent.docker;

import java.util.List;

/**
 * A local image.
 *
 * @param repoDigests    {@code repo@sha256:...} entries: the registry digests this image was pulled or pushed as
 * @param hasHealthcheck the image defines a Docker HEALTHCHECK (and does not disable it with NONE)
 */
public record ImageInfo(String id, List<String> repoTags, List<String> repoDigests, boolean hasHealthcheck) {
    public ImageInfo {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }
}
