package io.redeploy.agent.docker;

import static io.redeploy.agent.docker.DockerCalls.awaiting;
import static io.redeploy.agent.docker.DockerCalls.call;
import static io.redeploy.agent.docker.DockerCalls.failure;
import static io.redeploy.agent.docker.DockerCalls.findOrEmpty;
import static io.redeploy.agent.docker.DockerCalls.shortId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Image;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Local images: inspect, pull by digest with the configured credentials only, list by repository, remove. */
final class DockerImages {
    private final DockerClient client;

    DockerImages(DockerClient client) {
        this.client = client;
    }

    public Optional<ImageInfo> inspectImage(String idOrReference) {
        return findOrEmpty(
                "inspect image " + idOrReference,
                () -> DockerJavaModels.toImageInfo(
                        client.inspectImageCmd(idOrReference).exec()));
    }

    public void pull(String repository, String tagOrDigest, RegistryAuth auth, Duration timeout) {
        String what = "pull " + repository + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest;
        awaiting(what, () -> {
            // Always set: otherwise docker-java falls back to ~/.docker/config.json, and a pull would silently
            // use credentials the agent's config does not have (the registry poll would not).
            PullImageCmd cmd =
                    client.pullImageCmd(repository).withTag(tagOrDigest).withAuthConfig(authFor(auth));
            boolean done =
                    cmd.exec(new PullImageResultCallback()).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new DockerGatewayException(
                        "could not " + what + ": not finished within " + timeout.toSeconds() + "s");
            }
        });
    }

    private static AuthConfig authFor(RegistryAuth auth) {
        if (!auth.hasCredentials()) {
            return new AuthConfig().withRegistryAddress(auth.serverAddress()); // anonymous: no username, no password
        }
        return new AuthConfig()
                .withRegistryAddress(auth.serverAddress())
                .withUsername(auth.username().orElseThrow())
                .withPassword(auth.password().orElseThrow());
    }

    public List<ImageInfo> listImages(String repository) {
        List<Image> images = call("list images", () -> client.listImagesCmd().exec());
        List<ImageInfo> result = new ArrayList<>();
        for (Image image : images) {
            if (belongsTo(image.getRepoTags(), repository, ':') || belongsTo(image.getRepoDigests(), repository, '@')) {
                inspectImage(image.getId()).ifPresent(result::add);
            }
        }
        return result;
    }

    public boolean removeImage(String reference) {
        try {
            client.removeImageCmd(reference).withForce(false).exec();
            return true;
        } catch (ConflictException | NotFoundException inUseOrGone) {
            return false;
        } catch (RuntimeException e) {
            throw failure("remove image " + reference, e);
        }
    }

    private static boolean belongsTo(String[] references, String repository, char separator) {
        return references != null && Arrays.stream(references).anyMatch(r -> r.startsWith(repository + separator));
    }

    public void tag(String imageId, String repository, String tag) {
        call(
                "tag image " + shortId(imageId) + " as " + repository + ":" + tag,
                () -> client.tagImageCmd(imageId, repository, tag).withForce().exec());
    }
}
