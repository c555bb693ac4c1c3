package io.redeploy.agent.signing;

import io.redeploy.agent.image.ImageRef;
import java.util.Locale;
import java.util.Optional;

/**
 * The repository a cosign payload's {@code critical.identity.docker-reference} names, normalized as cosign writes it
 * (go-containerregistry's {@code Repository.Name()}): registry host lower-case, Docker Hub as {@code index.docker.io}
 * with {@code library/} for official images, no tag or digest. Both sides of the comparison pass through here, so
 * {@code postgres}, {@code docker.io/library/postgres} and {@code index.docker.io/library/postgres:16} are one name.
 */
final class SignedReference {
    static final String DOCKER_HUB = "index.docker.io";

    private SignedReference() {}

    /** The configured image's repository in cosign's spelling. */
    static String of(ImageRef image) {
        return normalize(image.registry() + "/" + image.repository()).orElseThrow();
    }

    /** {@code reference} normalized; empty when it is not a repository name at all. */
    static Optional<String> normalize(String reference) {
        String ref = reference.strip();
        int at = ref.indexOf('@');
        if (at >= 0) ref = ref.substring(0, at);
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) ref = ref.substring(0, colon); // a tag
        int first = ref.indexOf('/');
        String head = first < 0 ? "" : ref.substring(0, first);
        boolean hasRegistry = first > 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"));
        String registry = hasRegistry ? head.toLowerCase(Locale.ROOT) : DOCKER_HUB;
        String repository = hasRegistry ? ref.substring(first + 1) : ref;
        if (registry.equals("docker.io") || registry.equals("registry-1.docker.io")) registry = DOCKER_HUB;
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) repository = "library/" + repository;
        if (repository.isEmpty() || !repository.equals(repository.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(registry + "/" + repository);
    }
}
