package io.redeploy.agent.signing;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.signing.CosignFixture.Layer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Pushes a cosign signature artifact the way {@code cosign sign} does, over the OCI Distribution push API:
 * each blob by a monolithic upload ({@code POST /v2/<name>/blobs/uploads/} then {@code PUT <location>?digest=}),
 * then the manifest under {@code sha256-<hex>.sig}. Appending a layer to an existing signature (as a second
 * {@code cosign sign} does) is pushing the manifest again with all layers.
 */
final class OciPush implements AutoCloseable {
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final MediaType OCI_MANIFEST = MediaType.get("application/vnd.oci.image.manifest.v1+json");

    private final OkHttpClient http = new OkHttpClient();
    private final String registry;

    /** @param registry host:port of a plain-HTTP registry */
    OciPush(String registry) {
        this.registry = registry;
    }

    /** Pushes the payloads, the config and the manifest of a signature of {@code digest}; returns the manifest digest. */
    Digest pushSignature(String repository, Digest digest, List<Layer> layers) throws IOException {
        List<byte[]> blobs = new ArrayList<>();
        layers.forEach(l -> blobs.add(l.payload()));
        blobs.add(CosignFixture.config(layers));
        for (byte[] blob : blobs) {
            pushBlob(repository, blob);
        }
        byte[] manifest = CosignFixture.manifest(layers);
        HttpUrl url = base().addPathSegments(repository)
                .addPathSegment("manifests")
                .addPathSegment(CosignVerifier.signatureTag(digest))
                .build();
        expect(
                http.newCall(new Request.Builder()
                                .url(url)
                                .put(RequestBody.create(manifest, OCI_MANIFEST))
                                .build())
                        .execute(),
                201);
        return CosignFixture.sha256(manifest);
    }

    private void pushBlob(String repository, byte[] blob) throws IOException {
        HttpUrl start = base().addPathSegments(repository)
                .addPathSegment("blobs")
                .addPathSegment("uploads")
                .addPathSegment("")
                .build();
        String location;
        try (Response response = http.newCall(new Request.Builder()
                        .url(start)
                        .post(RequestBody.create(new byte[0], OCTETS))
                        .build())
                .execute()) {
            expect(response, 202);
            location = response.header("Location");
        }
        HttpUrl upload = start.resolve(location)
                .newBuilder()
                .addQueryParameter("digest", CosignFixture.sha256(blob).value())
                .build();
        expect(
                http.newCall(new Request.Builder()
                                .url(upload)
                                .put(RequestBody.create(blob, OCTETS))
                                .build())
                        .execute(),
                201);
    }

    private HttpUrl.Builder base() {
        return HttpUrl.get("http://" + registry + "/v2/").newBuilder(); // the empty last segment is replaced
    }

    private static void expect(Response response, int status) throws IOException {
        try (response) {
            if (response.code() != status) {
                throw new IOException(response.request().method() + " "
                        + response.request().url().encodedPath() + " answered " + response.code() + ": "
                        + response.body().string());
            }
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
