package io.redeploy.agent.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.it.LocalStack;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.state.DeployRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signature verification end to end, in-process, against the real engine and the local registry: builds pushed with
 * scripts/build-test-image.sh, cosign signature artifacts pushed to {@code sha256-<hex>.sig} over the OCI push API
 * (signed with a key made here; no cosign binary is reachable offline, so the artifacts follow the spec byte for
 * byte, see {@link CosignFixture}), and the agent started from a config with {@code verify:}.
 */
class SignatureVerificationIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final KeyPair CI_KEY = CosignFixture.newKey();

    @TempDir
    Path dir;

    private final String repo = LocalStack.uniqueRepository("it-signing/web");
    private final String image = LocalStack.REGISTRY + "/" + repo;
    private final String container = "it-signing-" + repo.substring(repo.length() - 8);
    private final RegistryClient registry = RegistryClient.builder(Map.of(
                    LocalStack.REGISTRY,
                    new RegistryConfig(LocalStack.REGISTRY, true, Optional.empty(), Optional.empty())))
            .build();
    private final OciPush push = new OciPush(LocalStack.REGISTRY);
    private Agent agent;

    @BeforeAll
    static void stack() {
        LocalStack.requireRunning(); // fails, not skips, without the stack
    }

    @AfterEach
    void cleanUp() {
        if (agent != null) agent.close();
        registry.close();
        push.close();
        LocalStack.removeContainersNamed(container);
        try {
            LocalStack.exec("docker", "network", "rm", container + "-net");
        } catch (IllegalStateException ignored) {
        }
        String images = LocalStack.exec("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", image);
        for (String i : images.isBlank() ? new String[0] : images.split("\\s+")) {
            try {
                LocalStack.exec("docker", "rmi", "-f", i);
            } catch (IllegalStateException ignored) {
            }
        }
    }

    @Test
    void aSignedBuildIsDeployedAnUnsignedOneRefusedUntilItIsSigned() throws Exception {
        int port = LocalStack.freePort();
        LocalStack.pushTestImage(image + ":main", "1");
        sign(tagDigest());
        agent = start(port);
        await().atMost(WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));
        String runningId = LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", container);

        LocalStack.pushTestImage(image + ":main", "2");
        Digest unsigned = tagDigest();
        LocalStack.exec(
                "docker", "rmi", image + ":main"); // the build exists in the registry only, so a pull would show
        await().atMost(WAIT).until(() -> lastDeploy().map(DeployRecord::outcome).equals(Optional.of("refused")));

        DeployRecord refusal = lastDeploy().orElseThrow();
        assertThat(refusal.to()).isEqualTo(unsigned.value());
        assertThat(refusal.reason())
                .isEqualTo("signature: no cosign signature: tag " + CosignVerifier.signatureTag(unsigned)
                        + " not found in " + image);
        assertThat(LocalStack.answer(port)).contains("build=1");
        assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.Id}}", container))
                .isEqualTo(runningId);
        assertThat(LocalStack.exec("docker", "images", "-q", image + "@" + unsigned.value()))
                .as("a refused build is never pulled")
                .isEmpty();
        int history = agent.state().get("web").history().size();
        int polls = agent.pollsCompleted();
        await().atMost(WAIT).until(() -> agent.pollsCompleted() >= polls + 3);
        assertThat(agent.state().get("web").history())
                .as("the refusal is recorded once, not at every poll")
                .hasSize(history);
        assertThat(agent.state().get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (refused: signature; checked again when its .sig tag changes)");

        // A signature by another key does not count either; CI's signature, appended later, does.
        KeyPair stranger = CosignFixture.newKey();
        push.pushSignature(repo, unsigned, List.of(CosignFixture.signedLayer(stranger, image, unsigned)));
        await().atMost(WAIT)
                .until(() -> lastDeploy().map(DeployRecord::reason).orElse("").contains("does not verify"));
        assertThat(LocalStack.answer(port)).contains("build=1");

        push.pushSignature(
                repo,
                unsigned,
                List.of(
                        CosignFixture.signedLayer(stranger, image, unsigned),
                        CosignFixture.signedLayer(CI_KEY, image, unsigned)));
        await().atMost(WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=2")));
        // The new container answers once healthy, a moment before the poll records the deploy.
        await().atMost(WAIT).until(() -> lastDeploy().map(DeployRecord::outcome).equals(Optional.of("deployed")));
        assertThat(lastDeploy().orElseThrow().to()).isEqualTo(unsigned.value());
        assertThat(LocalStack.containersNamed(container)).containsExactly(container);
    }

    private Digest tagDigest() throws Exception {
        return registry.digestOf(ImageRef.parse(image, "main"));
    }

    private void sign(Digest digest) throws Exception {
        push.pushSignature(repo, digest, List.of(CosignFixture.signedLayer(CI_KEY, image, digest)));
    }

    private Optional<DeployRecord> lastDeploy() {
        return agent.state().get("web").lastDeploy();
    }

    private Agent start(int port) throws Exception {
        Path key = Files.writeString(dir.resolve("cosign.pub"), CosignFixture.pem(CI_KEY.getPublic()));
        String yaml = "state_dir: " + dir.resolve("state") + "\n"
                + "schedule: { interval: 1s }\n"
                + "http: { listen: \"127.0.0.1:" + LocalStack.freePort() + "\" }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + "services:\n"
                + "  web:\n"
                + "    image: " + image + "\n"
                + "    tag: main\n"
                + "    container_name: " + container + "\n"
                + "    ports: [\"127.0.0.1:" + port + ":8080\"]\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 5s, interval: 200ms }\n"
                + "    stop_timeout: 1s\n"
                + "    network: " + container + "-net\n" // its own bridge: independent of docker0 and other tests
                + "    verify:\n"
                + "      cosign_public_key_file: " + key + "\n";
        AgentConfig config = new ConfigLoader(Map.of()).parse(yaml, "signing-it");
        return Agent.start(config, Clock.systemUTC());
    }
}
