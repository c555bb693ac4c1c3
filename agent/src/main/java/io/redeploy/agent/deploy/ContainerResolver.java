package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import java.util.Optional;

/**
 * Reads what a followed container watches: the image reference it was created from ({@code repo:tag}, as docker
 * compose or {@code docker run} gave it). Refuses, with one line each, what cannot be followed: a missing container,
 * one created from an image id or without a tag, one that shares another container's network stack (it would lose it
 * when recreated), and a local build no registry has heard of.
 */
final class ContainerResolver {
    private final DockerGateway docker;

    ContainerResolver(DockerGateway docker) {
        this.docker = docker;
    }

    ServiceConfig resolve(ServiceConfig service) {
        String name = service.containerName();
        ContainerInfo container = docker.inspectContainer(name)
                .orElseThrow(() -> new UnresolvedServiceException("the followed container " + name
                        + " does not exist; start it (docker compose up -d) or fix services." + service.name()
                        + ".container"));
        String image = container.image();
        if (image.startsWith("sha256:") || image.matches("[0-9a-f]{12,64}")) {
            throw new UnresolvedServiceException("container " + name + " was created from the image id "
                    + shortId(image) + ", not a tag: there is nothing to watch in a registry; create it from repo:tag");
        }
        if (container.networkMode().startsWith("container:")
                || container.networkMode().startsWith("service:")) {
            throw new UnresolvedServiceException("container " + name + " shares the network of another container ("
                    + container.networkMode() + "); recreating it would cut it off, so it is not followed");
        }
        ImageRef ref = parse(name, image);
        Optional<ImageInfo> local = docker.inspectImage(container.imageId());
        if (local.isPresent() && local.get().repoDigests().isEmpty()) {
            throw new UnresolvedServiceException("container " + name + " runs " + image + ", a local build no registry "
                    + "has (the image has no registry digest): push it to a registry and recreate the container from "
                    + "there to have it followed");
        }
        return service.withImage(ref);
    }

    /** {@code repo[:tag][@digest]} as Docker stores it in the container's config; no tag means {@code latest}. */
    private static ImageRef parse(String container, String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        boolean tagged = colon > slash;
        String repository = tagged ? withoutDigest.substring(0, colon) : withoutDigest;
        String tag = tagged ? withoutDigest.substring(colon + 1) : "latest";
        try {
            return ImageRef.parse(repository, tag);
        } catch (IllegalArgumentException e) {
            throw new UnresolvedServiceException("container " + container + " runs '" + image
                    + "', which is not an image reference: " + e.getMessage());
        }
    }

    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, Math.min(12, hex.length()));
    }
}
