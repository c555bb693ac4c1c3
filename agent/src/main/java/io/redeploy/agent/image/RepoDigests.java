package io.redeploy.agent.image;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an image's RepoDigests ({@code repo@sha256:...}: the registry digests the engine pulled or pushed it as),
 * the only thing a registry digest is compared with: never a tag, and only entries of the watched repository.
 */
public final class RepoDigests {
    private RepoDigests() {}

    /** The digests among {@code repoDigests} that belong to {@code repository} (a Docker name, e.g. {@code postgres}). */
    public static Set<Digest> of(Collection<String> repoDigests, String repository) {
        String wanted = normalise(repository);
        return repoDigests.stream()
                .filter(rd -> rd.contains("@"))
                .filter(rd -> normalise(rd.substring(0, rd.indexOf('@'))).equals(wanted))
                .map(rd -> rd.substring(rd.indexOf('@') + 1))
                .filter(Digest::isValid)
                .map(Digest::parse)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Docker Hub's official images have three spellings: {@code docker.io/library/x}, {@code library/x}, {@code x}. */
    private static String normalise(String repository) {
        String r = repository.startsWith("docker.io/") ? repository.substring("docker.io/".length()) : repository;
        return r.startsWith("library/") ? r.substring("library/".length()) : r;
    }
}
