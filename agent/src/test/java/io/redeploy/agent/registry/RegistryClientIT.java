package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real local registries of scripts/dev-stack.sh: the anonymous one on 127.0.0.1:5000 and the htpasswd
 * one on 127.0.0.1:5001. The digest the client reads must be exactly what Docker records in RepoDigests.
 * Every repository is unique to the run; images and manifests are removed afterwards.
 */
class RegistryClientIT {
    static final String ANON = "127.0.0.1:5000";
    static final String AUTH = "127.0.0.1:5001";
    static final String USER = "tester";
    static final String PASSWORD = "tester-secret";

    final String prefix = "registry-it-" + UUID.randomUUID().toString().substring(0, 8);
    final RecordingListener listener = new RecordingListener();
    final List<String> localTags = new ArrayList<>(); // tags first, then image ids
    final List<String[]> pushedManifests = new ArrayList<>(); // {registry, repository, digest}
    final OkHttpClient raw =
            new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
    final List<RegistryClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        clients.forEach(RegistryClient::close);
        for (String[] m : pushedManifests) {
            Request.Builder delete = new Request.Builder()
                    .url("http://" + m[0] + "/v2/" + m[1] + "/manifests/" + m[2])
                    .delete();
            if (m[0].equals(AUTH)) delete.header("Authorization", Credentials.basic(USER, PASSWORD));
            try (Response ignored = raw.newCall(delete.build()).execute()) {
                // best effort: a manifest already removed (shared by two tags) answers 404
            } catch (IOException ignored) {
                // the registry is gone: nothing left to clean
            }
        }
        for (String tagOrId : localTags) {
            try {
                run("docker", "rmi", "-f", tagOrId);
            } catch (Exception ignored) {
                // already removed
            }
        }
    }

    @Test
    void anonymousRegistryDigestMatchesRepoDigestsAndFollowsNewBuilds() throws Exception {
        String name = ANON + "/" + prefix + "/web";
        ImageRef image = ImageRef.parse(name, "main");
        RegistryClient client = client(insecure(ANON));

        Digest first = pushBuild(name + ":main", "b1", ANON, image.repository());
        assertThat(client.digestOf(image)).isEqualTo(first);
        assertThat(client.digestOf(image)).isEqualTo(first);

        Digest second = pushBuild(name + ":main", "b2", ANON, image.repository());
        assertThat(second).isNotEqualTo(first);
        assertThat(client.digestOf(image)).isEqualTo(second);
        assertThat(listener.events).containsOnly(ANON + " HEAD 200").hasSize(3);
    }

    @Test
    void missingTagOnTheRealRegistry() {
        RegistryClient client = client(insecure(ANON));
        assertThat(catchThrowableOfType(
                        TagNotFoundException.class,
                        () -> client.digestOf(ImageRef.parse(ANON + "/" + prefix + "/none", "main"))))
                .hasMessageContaining(prefix + "/none");
    }

    @Test
    void basicAuthRegistryWithCredentials() throws Exception {
        run("docker", "login", "-u", USER, "-p", PASSWORD, AUTH);
        String name = AUTH + "/" + prefix + "/web";
        ImageRef image = ImageRef.parse(name, "main");
        RegistryClient client =
                client(new RegistryConfig(AUTH, true, Optional.of(USER), Optional.of(new Secret(PASSWORD))));

        Digest first = pushBuild(name + ":main", "b1", AUTH, image.repository());
        assertThat(client.digestOf(image)).isEqualTo(first);
        Digest second = pushBuild(name + ":main", "b2", AUTH, image.repository());
        assertThat(client.digestOf(image)).isEqualTo(second).isNotEqualTo(first);
        // The first lookup learns the Basic challenge; later ones send the credentials straight away.
        assertThat(listener.events).containsExactly(AUTH + " HEAD 401", AUTH + " HEAD 200", AUTH + " HEAD 200");

        RegistryClient wrong =
                client(new RegistryConfig(AUTH, true, Optional.of(USER), Optional.of(new Secret("not-the-password"))));
        CredentialsRejectedException rejected =
                catchThrowableOfType(CredentialsRejectedException.class, () -> wrong.digestOf(image));
        assertThat(rejected.getMessage())
                .isEqualTo("credentials rejected for repository " + prefix + "/web on registry " + AUTH)
                .doesNotContain("not-the-password");

        RegistryClient anonymous = client(insecure(AUTH));
        assertThat(catchThrowableOfType(CredentialsRejectedException.class, () -> anonymous.digestOf(image)))
                .hasMessageContaining("anonymous access refused");
    }

    /** A hand-made OCI index over two pushed manifests: HEAD must answer the index digest, which Docker records on pull. */
    @Test
    void multiArchTagAnswersTheIndexDigestThatDockerRecords() throws Exception {
        String name = ANON + "/" + prefix + "/multi";
        String repository = prefix + "/multi";
        Digest amd = pushBuild(name + ":one", "m1", ANON, repository);
        Digest other = pushBuild(name + ":two", "m2", ANON, repository);
        String hostArch =
                run("docker", "version", "--format", "{{.Server.Arch}}").trim();
        String otherArch = hostArch.equals("arm64") ? "amd64" : "arm64";
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + descriptor(repository, amd, hostArch) + "," + descriptor(repository, other, otherArch) + "]}";
        byte[] indexBytes = index.getBytes(StandardCharsets.UTF_8);
        Digest indexDigest = Digest.parse("sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(indexBytes)));
        Request put = new Request.Builder()
                .url("http://" + ANON + "/v2/" + repository + "/manifests/main")
                .put(RequestBody.create(indexBytes, MediaType.get("application/vnd.oci.image.index.v1+json")))
                .build();
        try (Response response = raw.newCall(put).execute()) {
            assertThat(response.code())
                    .as("PUT index: %s", response.body().string())
                    .isEqualTo(201);
        }
        pushedManifests.add(new String[] {ANON, repository, indexDigest.value()});

        RegistryClient client = client(insecure(ANON));
        ImageRef image = ImageRef.parse(name, "main");
        assertThat(client.digestOf(image)).isEqualTo(indexDigest).isNotEqualTo(amd);

        run("docker", "pull", "-q", name + ":main");
        localTags.add(name + ":main");
        String repoDigests = run("docker", "inspect", "--format", "{{json .RepoDigests}}", name + ":main");
        assertThat(repoDigests).contains(name + "@" + indexDigest.value());
        assertThat(client.digestOf(image)).isEqualTo(indexDigest); // unchanged tag: same digest, no false update
    }

    private String descriptor(String repository, Digest digest, String arch) throws IOException {
        Request head = new Request.Builder()
                .url("http://" + ANON + "/v2/" + repository + "/manifests/" + digest)
                .head()
                .header("Accept", ManifestDigestFetcher.ACCEPT)
                .build();
        try (Response response = raw.newCall(head).execute()) {
            assertThat(response.code()).isEqualTo(200);
            String mediaType = response.header("Content-Type");
            String size = response.header("Content-Length");
            return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size
                    + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
        }
    }

    /** Builds and pushes with the project script; returns the digest Docker recorded for the push. */
    private Digest pushBuild(String ref, String buildId, String registry, String repository) throws Exception {
        run("bash", repoRoot().resolve("scripts/build-test-image.sh").toString(), ref, prefix + "-" + buildId);
        localTags.add(ref);
        localTags.add(run("docker", "inspect", "--format", "{{.Id}}", ref)
                .trim()); // the build outlives its tag after the next push
        String repoDigest = run("docker", "inspect", "--format", "{{index .RepoDigests 0}}", ref)
                .trim();
        String digest = repoDigest.substring(repoDigest.indexOf('@') + 1);
        pushedManifests.add(new String[] {registry, repository, digest});
        return Digest.parse(digest);
    }

    private RegistryClient client(RegistryConfig config) {
        RegistryClient client = RegistryClient.builder(image -> config)
                .settings(RegistryClientSettings.defaults("it"))
                .sleeper(new RecordingSleeper())
                .listener(listener)
                .build();
        clients.add(client);
        return client;
    }

    static RegistryConfig insecure(String host) {
        return new RegistryConfig(host, true, Optional.empty(), Optional.empty());
    }

    static Path repoRoot() {
        String configured = System.getProperty("redeploy.repoRoot");
        if (configured != null && Files.exists(Path.of(configured, "scripts/build-test-image.sh")))
            return Path.of(configured);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("scripts/build-test-image.sh"))) return dir;
        }
        throw new IllegalStateException("cannot find the repository root (scripts/build-test-image.sh)");
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command[0] + " " + command[1]);
        }
        if (process.exitValue() != 0) {
            // The login password is a fixed test credential of the dev stack, but keep it out of reports anyway.
            throw new IllegalStateException("failed (" + process.exitValue() + "): "
                    + String.join(" ", command).replace(PASSWORD, "****") + "\n" + output);
        }
        return output;
    }
}
