package io.redeploy.agent.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an image's config from the registry (OCI image spec: index -> manifest -> config blob), so a policy can judge
 * a new build before it is pulled. Every document is checked against the digest that named it. For an index, the
 * entry for this host's platform (linux and the JVM's architecture) is read, as the engine would pull it.
 */
final class ImageConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 2; // an index names manifests; a manifest names its config

    private final ContentFetcher content;
    private final long maxBytes;
    private final String architecture;

    ImageConfigReader(ContentFetcher content, long maxBytes) {
        this(content, maxBytes, hostArchitecture());
    }

    ImageConfigReader(ContentFetcher content, long maxBytes, String architecture) {
        this.content = content;
        this.maxBytes = maxBytes;
        this.architecture = architecture;
    }

    ImageFacts read(RegistryTarget image, Digest digest) throws RegistryException {
        JsonNode manifest = manifest(image, digest);
        for (int depth = 0; manifest.has("manifests") && depth < MAX_DEPTH; depth++) {
            manifest = manifest(image, platformEntry(image, manifest));
        }
        String config = manifest.path("config").path("digest").asText("");
        if (!Digest.isValid(config)) {
            throw malformed(image, "manifest " + digest.shortForm() + " names no config blob");
        }
        JsonNode document = parse(image, content.blob(image, Digest.parse(config), maxBytes));
        JsonNode body = document.path("config");
        Map<String, String> labels = new LinkedHashMap<>();
        body.path("Labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> env = new LinkedHashMap<>();
        body.path("Env").forEach(entry -> {
            String text = entry.asText();
            int eq = text.indexOf('=');
            if (eq > 0) env.put(text.substring(0, eq), text.substring(eq + 1));
        });
        return new ImageFacts(
                labels, env, ImageFacts.parseCreated(document.path("created").asText("")));
    }

    private JsonNode manifest(RegistryTarget image, Digest digest) throws RegistryException {
        RegistryTarget byDigest =
                new RegistryTarget(image.registry(), image.config(), image.repository(), digest.value());
        Optional<StoredManifest> stored = content.manifest(byDigest, ManifestDigestFetcher.ACCEPT, maxBytes);
        if (stored.isEmpty()) {
            throw malformed(image, "404 for manifest " + digest.shortForm());
        }
        if (!stored.get().digest().equals(digest)) {
            throw malformed(image, "manifest " + digest.shortForm() + " whose content does not match its digest");
        }
        return parse(image, stored.get().bytes());
    }

    private Digest platformEntry(RegistryTarget image, JsonNode index) throws RegistryException {
        for (JsonNode entry : index.path("manifests")) {
            JsonNode platform = entry.path("platform");
            if ("linux".equals(platform.path("os").asText())
                    && architecture.equals(platform.path("architecture").asText())
                    && Digest.isValid(entry.path("digest").asText())) {
                return Digest.parse(entry.path("digest").asText());
            }
        }
        throw malformed(image, "an index without an image for linux/" + architecture);
    }

    private JsonNode parse(RegistryTarget image, byte[] bytes) throws RegistryException {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw malformed(image, "an image document that is not JSON");
        }
    }

    private static MalformedResponseException malformed(RegistryTarget image, String what) {
        return new MalformedResponseException(
                ManifestDigestFetcher.SOURCE + " sent " + what + " for " + image.describe());
    }

    /** The OCI name of this JVM's architecture: amd64, arm64, ... */
    static String hostArchitecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
