package io.redeploy.agent.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A watched image: registry host, repository path and tag, normalised the way Docker does
 * ({@code postgres} is {@code docker.io/library/postgres}).
 */
public record ImageRef(String registry, String repository, String tag) {
    public static final String DOCKER_HUB = "docker.io";

    // Distribution spec: path components are lowercase alphanumerics joined by separators.
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public ImageRef {
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("invalid repository name '" + repository + "'");
        }
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid tag '" + tag + "'");
        }
    }

    /** Whether {@code tag} is a valid tag (up to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'). */
    public static boolean isValidTag(String tag) {
        return TAG.matcher(tag).matches();
    }

    /**
     * Parses {@code [registry/]repository} (no tag, no digest: the tag is its own key).
     * The first component is a registry host when it has a dot, a colon, or is {@code localhost}.
     */
    public static ImageRef parse(String image, String tag) {
        if (image.contains("@")) {
            throw new IllegalArgumentException("image must not contain a digest; put the tag in 'tag'");
        }
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean hasRegistry = slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        String registry = hasRegistry ? first.toLowerCase(Locale.ROOT) : DOCKER_HUB;
        String repository = hasRegistry ? image.substring(slash + 1) : image;
        if (repository.contains(":")) {
            throw new IllegalArgumentException("image must not contain a tag; put it in 'tag'");
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        return new ImageRef(registry, repository, tag);
    }

    /** The name Docker uses for this repository: {@code ghcr.io/acme/app}, {@code postgres} for official images. */
    public String dockerName() {
        if (registry.equals(DOCKER_HUB)) {
            return repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
        }
        return registry + "/" + repository;
    }

    /** {@code name:tag}, as shown to operators. */
    @Override
    public String toString() {
        return dockerName() + ":" + tag;
    }
}
