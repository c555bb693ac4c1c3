package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.log.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Frees disk after a deploy: removes a service repository's names for images that are neither current nor previous. */
final class ImagePruner {
    private static final Logger log = LoggerFactory.getLogger(ImagePruner.class);

    private final DockerGateway docker;

    ImagePruner(DockerGateway docker) {
        this.docker = docker;
    }

    List<String> prune(ServiceConfig service, Optional<String> previousImageId) {
        String repository = service.image().dockerName();
        List<String> removed = new ArrayList<>();
        try {
            Optional<String> currentImage =
                    docker.inspectContainer(service.containerName()).map(ContainerInfo::imageId);
            for (ImageInfo image : docker.listImages(repository)) {
                boolean keep = currentImage.filter(image.id()::equals).isPresent()
                        || previousImageId.filter(image.id()::equals).isPresent();
                if (keep) {
                    continue;
                }
                for (String reference : referencesIn(image, repository)) {
                    if (docker.removeImage(reference)) {
                        removed.add(reference);
                    }
                }
            }
        } catch (DockerGatewayException e) {
            Event.warn(log, "deploy.prune_failed")
                    .with("service", service.name())
                    .reason(e.getMessage())
                    .log();
        }
        if (!removed.isEmpty()) {
            Event.info(log, "deploy.pruned")
                    .with("service", service.name())
                    .with("references", removed.size())
                    .log();
        }
        return List.copyOf(removed);
    }

    private static List<String> referencesIn(ImageInfo image, String repository) {
        List<String> references = new ArrayList<>();
        image.repoTags().stream().filter(t -> t.startsWith(repository + ":")).forEach(references::add);
        image.repoDigests().stream().filter(d -> d.startsWith(repository + "@")).forEach(references::add);
        return references;
    }
}
