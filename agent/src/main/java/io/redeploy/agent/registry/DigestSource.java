package io.redeploy.agent.registry;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;

/** Answers "what digest does the registry hold for this tag right now?". */
public interface DigestSource {
    /**
     * The digest the registry returns for the tag: for a multi-arch tag this is the index digest,
     * which is what Docker records in the image's RepoDigests after a pull.
     */
    Digest digestOf(ImageRef image) throws RegistryException;
}
