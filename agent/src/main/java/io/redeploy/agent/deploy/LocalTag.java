package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.ImageRef;
import java.util.Optional;

/**
 * The watched tag on this host ({@code repo:tag}), pointed at the build that runs: {@code docker images},
 * {@code docker run repo:tag} and docker compose (which compares the tag's image with the container's) then see what
 * the agent deployed, and a rollback points it back.
 *
 * @param before the image the tag named before the deploy, if any
 */
record LocalTag(String repository, String tag, Optional<String> before) {

    /** Points the tag at {@code imageId}, remembering what it named. */
    static LocalTag point(DockerGateway docker, ImageRef image, String imageId) {
        String repository = image.dockerName();
        Optional<String> before =
                docker.inspectImage(repository + ":" + image.tag()).map(ImageInfo::id);
        docker.tag(imageId, repository, image.tag());
        return new LocalTag(repository, image.tag(), before);
    }

    String reference() {
        return repository + ":" + tag;
    }

    /** Points the tag back where it was (or removes it, when there was none); a failure is only reported. */
    Optional<String> restore(DockerGateway docker) {
        try {
            if (before.isPresent()) {
                docker.tag(before.get(), repository, tag);
            } else {
                docker.removeImage(reference());
            }
            return Optional.empty();
        } catch (DockerGatewayException e) {
            return Optional.of("the tag " + reference() + " could not be pointed back: " + e.getMessage());
        }
    }
}
