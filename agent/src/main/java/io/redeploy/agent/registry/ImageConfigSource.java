package io.redeploy.agent.registry;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.ImageRef;

/** Answers "what does this digest of the image declare about itself?" before anything is pulled. */
@FunctionalInterface
public interface ImageConfigSource {
    /** The labels and environment of the image {@code digest} names (for an index, this host's platform's image). */
    ImageFacts imageFacts(ImageRef image, Digest digest) throws RegistryException;
}
