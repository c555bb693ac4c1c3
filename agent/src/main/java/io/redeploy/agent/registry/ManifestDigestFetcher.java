package io.redeploy.agent.registry;

import io.redeploy.agent.image.Digest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One attempt at reading the digest of a tag (OCI Distribution spec, "Checking if content exists in the registry"):
 * {@code HEAD /v2/<name>/manifests/<tag>} and its {@code Docker-Content-Digest} header; when a registry omits the
 * header, {@code GET} the manifest and hash its exact bytes, which is how the digest is defined.
 *
 * <p>The Accept header lists the index types first-class, so a multi-arch tag answers with the digest of its index:
 * the digest Docker records in RepoDigests when it pulls that tag. Without them a registry would down-convert or
 * pick one platform's manifest, and an unchanged multi-arch tag would look new on every poll.
 */
final class ManifestDigestFetcher {
    static final String SOURCE = "registry";
    static final String ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final OkHttpClient http;
    private final long maxBodyBytes;
    private final RegistryFailures failures;

    ManifestDigestFetcher(OkHttpClient http, long maxBodyBytes, RegistryFailures failures) {
        this.http = http;
        this.maxBodyBytes = maxBodyBytes;
        this.failures = failures;
    }

    Digest fetch(RegistryTarget target) throws RegistryException {
        HttpUrl url = manifestUrl(target);
        try (Response head = execute(target, request(target, url).head().build())) {
            if (head.code() == 200) {
                String header = head.header("Docker-Content-Digest");
                if (header != null) return parse(target, header.trim());
            } else if (head.code() != 405) { // 405: a registry without HEAD support; GET answers the same question
                throw failures.forStatus(target, SOURCE, head);
            }
        }
        try (Response get = execute(target, request(target, url).get().build())) {
            if (get.code() != 200) throw failures.forStatus(target, SOURCE, get);
            return sha256(BoundedBody.read(get.body(), maxBodyBytes));
        } catch (BoundedBody.TooLargeException e) {
            throw failures.tooLarge(target, SOURCE, maxBodyBytes);
        } catch (IOException e) { // the body broke off or timed out mid-read
            throw failures.unreachable(target, SOURCE, e);
        }
    }

    private Response execute(RegistryTarget target, Request request) throws RegistryException {
        try {
            return http.newCall(request).execute();
        } catch (IOException e) {
            RegistryException typed = RegistryFailureIOException.find(e);
            throw typed != null ? typed : failures.unreachable(target, SOURCE, e);
        }
    }

    private static Request.Builder request(RegistryTarget target, HttpUrl url) {
        return new Request.Builder().url(url).header("Accept", ACCEPT).tag(RegistryTarget.class, target);
    }

    static HttpUrl manifestUrl(RegistryTarget target) {
        HttpUrl base = HttpUrl.parse(target.config().baseUrl());
        if (base == null)
            throw new IllegalArgumentException("registry host '" + target.registry() + "' is not a valid URL host");
        return base.newBuilder()
                .addPathSegment("v2")
                .addPathSegments(target.repository()) // validated by ImageRef: lowercase components joined by '/'
                .addPathSegment("manifests")
                .addPathSegment(target.tag())
                .build();
    }

    private Digest parse(RegistryTarget target, String header) throws RegistryException {
        if (!Digest.isValid(header)) {
            throw failures.malformed(target, SOURCE, "a malformed Docker-Content-Digest for tag " + target.tag());
        }
        return Digest.parse(header);
    }

    private static Digest sha256(byte[] manifest) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(manifest);
            return Digest.parse("sha256:" + HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
