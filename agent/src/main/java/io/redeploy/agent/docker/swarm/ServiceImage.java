package io.redeploy.agent.docker.swarm;

import io.redeploy.agent.image.Digest;
import java.util.Optional;

/**
 * The image reference of a Swarm service or task as the engine stores it: {@code repo[:tag][@sha256:...]}.
 * {@code docker stack deploy} and {@code docker service create} leave it pinned with both, e.g.
 * {@code registry.example/web:main@sha256:...}; the agent's updates keep the tag and replace the digest.
 */
public record ServiceImage(String repository, Optional<String> tag, Optional<Digest> digest) {

    public ServiceImage {
        if (repository == null || repository.isBlank()) {
            throw new IllegalArgumentException("image reference without a repository");
        }
    }

    /** Parses {@code repo[:tag][@digest]}; a digest that is not sha256/sha512 is refused. */
    public static ServiceImage parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String rest = reference.strip();
        Optional<Digest> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(Digest.parse(rest.substring(at + 1)));
            rest = rest.substring(0, at);
        }
        // A colon after the last slash separates the tag; one before it belongs to a registry port.
        int colon = rest.lastIndexOf(':');
        Optional<String> tag = Optional.empty();
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        return new ServiceImage(rest, tag, digest);
    }

    /** The same repository and tag, pinned to {@code newDigest}. */
    public ServiceImage withDigest(Digest newDigest) {
        return new ServiceImage(repository, tag, Optional.of(newDigest));
    }

    @Override
    public String toString() {
        return repository
                + tag.map(t -> ":" + t).orElse("")
                + digest.map(d -> "@" + d).orElse("");
    }
}
