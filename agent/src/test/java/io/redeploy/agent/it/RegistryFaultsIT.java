package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, registry faults that need the real engine: what the registry client's WireMock tests
 * (registry/RegistryClientTest) cannot show, because the check happens in dockerd's pull.
 */
class RegistryFaultsIT extends FaultTestBase {
    /**
     * The registry's HEAD names digest X for the tag, and the manifest it serves for X hashes to Y. The agent pulls
     * by the digest it was told ({@code repo@X}) and dockerd verifies the manifest it receives against X, so the
     * lie ends as a failed pull: the old container is never touched, and the honest digest deploys once the
     * registry tells the truth again.
     */
    @Test
    void aManifestWhoseContentDoesNotMatchTheAnnouncedDigestIsNeverDeployed() {
        FaultyRegistryProxy registry = new FaultyRegistryProxy(5000);
        stack = new FaultStack("digest", stateDir);
        FaultStack s = stack;
        s.closeLater(registry);
        images.publish(s.pushRef(), B1);
        s.start("127.0.0.1:" + registry.port(), "");
        s.awaitDeployed(B1);
        String oldId = s.containerId();
        images.publish(s.pushRef(), B2);
        String real = LocalStack.exec(
                        "docker", "image", "inspect", "--format", "{{range .RepoDigests}}{{.}} {{end}}", s.pushRef())
                .lines()
                .flatMap(l -> java.util.Arrays.stream(l.split("\\s+")))
                .filter(d -> d.startsWith(LocalStack.REGISTRY + "/" + s.repository + "@"))
                .map(d -> d.substring(d.indexOf('@') + 1))
                .findFirst()
                .orElseThrow();
        String lie = "sha256:" + "e".repeat(64);

        registry.lieAboutManifestDigest(lie, real);
        s.poll();
        assertThat(s.lastDeploy().orElseThrow().to()).isEqualTo(lie);
        assertThat(s.lastDeploy().orElseThrow().outcome()).isEqualTo("failed");
        assertThat(s.lastDeploy().orElseThrow().reason())
                .startsWith("pull failed")
                .contains("verification failed");
        assertThat(s.containerId()).isEqualTo(oldId);
        s.assertWhole(B1);
        assertThat(LocalStack.exec(
                        "docker",
                        "ps",
                        "-a",
                        "--filter",
                        "label=redeploy-agent.digest=" + lie,
                        "--format",
                        "{{.Names}}"))
                .isEmpty();

        registry.heal();
        Instant healed = Instant.now();
        s.agent().triggerPoll(Optional.empty());
        FaultStack.timeRecovery("manifest-digest-mismatch", healed, () -> s.isWhole(B2));
        s.assertWhole(B2);
        assertThat(s.lastDeploy().orElseThrow().to()).isEqualTo(real);
    }
}
