package io.redeploy.agent.registry;

import io.redeploy.agent.image.Digest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest exactly as the registry stores it: its bytes, the media type it was served with, and their digest
 * (computed here from the bytes, which is how the digest is defined).
 */
public final class StoredManifest {
    private final Digest digest;
    private final String mediaType;
    private final byte[] bytes;

    public StoredManifest(Digest digest, String mediaType, byte[] bytes) {
        this.digest = Objects.requireNonNull(digest, "digest");
        this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
        this.bytes = bytes.clone();
    }

    public Digest digest() {
        return digest;
    }

    /** The Content-Type of the answer, without parameters; empty when the registry sent none. */
    public String mediaType() {
        return mediaType;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "StoredManifest[" + digest + ", " + mediaType + ", " + bytes.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredManifest m
                && digest.equals(m.digest)
                && mediaType.equals(m.mediaType)
                && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }
}
