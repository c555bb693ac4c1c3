package io.redeploy.agent.registry;

import io.redeploy.agent.image.Digest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One attempt at reading content from a registry (OCI Distribution spec, "Pulling manifests" and "Pulling blobs"):
 * {@code GET /v2/<name>/manifests/<tag>} and {@code GET /v2/<name>/blobs/<digest>}. Bodies are read only up to a
 * limit, and a blob's bytes must hash to the digest asked for: content addressing is what makes a blob trustworthy
 * whatever the registry or a CDN in front of it sends.
 */
final class ContentFetcher {
    private final OkHttpClient http;
    private final RegistryFailures failures;

    ContentFetcher(OkHttpClient http, RegistryFailures failures) {
        this.http = http;
        this.failures = failures;
    }

    /** The manifest the target's tag names; empty when the registry answers 404 (no such tag). */
    Optional<StoredManifest> manifest(RegistryTarget target, String accept, long maxBytes) throws RegistryException {
        HttpUrl url = ManifestDigestFetcher.manifestUrl(target);
        Request request = new Request.Builder()
                .url(url)
                .get()
                .header("Accept", accept)
                .tag(RegistryTarget.class, target)
                .build();
        try (Response response = execute(target, request)) {
            if (response.code() == 404) return Optional.empty();
            if (response.code() != 200) throw failures.forStatus(target, ManifestDigestFetcher.SOURCE, response);
            byte[] bytes = BoundedBody.read(response.body(), maxBytes);
            MediaType type = response.body().contentType();
            String mediaType = type == null ? "" : type.type() + "/" + type.subtype();
            return Optional.of(new StoredManifest(sha256(bytes), mediaType, bytes));
        } catch (BoundedBody.TooLargeException e) {
            throw failures.tooLarge(target, ManifestDigestFetcher.SOURCE, maxBytes);
        } catch (IOException e) {
            throw failures.unreachable(target, ManifestDigestFetcher.SOURCE, e);
        }
    }

    /** The blob's bytes, checked against {@code digest} (sha256 only, as every registry stores). */
    byte[] blob(RegistryTarget target, Digest digest, long maxBytes) throws RegistryException {
        if (!digest.value().startsWith("sha256:")) {
            throw failures.malformed(
                    target,
                    ManifestDigestFetcher.SOURCE,
                    "a reference to blob " + digest.shortForm() + " with a digest algorithm other than sha256");
        }
        HttpUrl url = HttpUrl.parse(target.config().baseUrl())
                .newBuilder()
                .addPathSegment("v2")
                .addPathSegments(target.repository())
                .addPathSegment("blobs")
                .addPathSegment(digest.value())
                .build();
        Request request = new Request.Builder()
                .url(url)
                .get()
                .tag(RegistryTarget.class, target)
                .build();
        try (Response response = execute(target, request)) {
            if (response.code() == 404) {
                throw failures.malformed(
                        target,
                        ManifestDigestFetcher.SOURCE,
                        "404 for blob " + digest.shortForm() + " that a manifest references");
            }
            if (response.code() != 200) throw failures.forStatus(target, ManifestDigestFetcher.SOURCE, response);
            byte[] bytes = BoundedBody.read(response.body(), maxBytes);
            if (!sha256(bytes).equals(digest)) {
                throw failures.malformed(
                        target,
                        ManifestDigestFetcher.SOURCE,
                        "blob " + digest.shortForm() + " whose content does not match its digest");
            }
            return bytes;
        } catch (BoundedBody.TooLargeException e) {
            throw failures.tooLarge(target, ManifestDigestFetcher.SOURCE, maxBytes);
        } catch (IOException e) {
            throw failures.unreachable(target, ManifestDigestFetcher.SOURCE, e);
        }
    }

    private Response execute(RegistryTarget target, Request request) throws RegistryException {
        try {
            return http.newCall(request).execute();
        } catch (IOException e) {
            RegistryException typed = RegistryFailureIOException.find(e);
            throw typed != null ? typed : failures.unreachable(target, ManifestDigestFetcher.SOURCE, e);
        }
    }

    static Digest sha256(byte[] bytes) {
        try {
            return Digest.parse("sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
