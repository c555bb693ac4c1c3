package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, Docker faults: the whole agent against the real engine and registry while the engine misbehaves or
 * someone works on the host by hand. Every test ends with the stack whole (one running container under the name,
 * answering a known build, no {@code .redeploy-old} leftover) and prints its recovery time for docs/reliability.md.
 */
class DockerFaultsIT extends FaultTestBase {
    private FaultStack deployBuild1(String area, String extra) {
        stack = new FaultStack(area, stateDir);
        images.publish(stack.pushRef(), B1);
        stack.start(LocalStack.REGISTRY, extra);
        stack.awaitDeployed(B1);
        return stack;
    }

    @Test
    void aPortTakenOnTheHostRollsTheDeployBackAndTheOldContainerAnswersAgain() throws Exception {
        FaultStack s = deployBuild1("port", "");
        s.stopAgent();
        int second = LocalStack.freePort();
        String oldId = s.containerId();
        images.publish(s.pushRef(), B2);
        images.publish(s.pushRef().replace(":main", ":next"), B3); // build 3 ready before the clock starts
        String ports = "    ports: [\"127.0.0.1:" + s.port + ":8080\", \"127.0.0.1:" + second + ":8081\"]\n";
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), second));
            s.start(LocalStack.REGISTRY, ports); // first poll at start: build 2 with the second port

            s.poll();
            assertThat(s.lastDeploy().orElseThrow().outcome()).isEqualTo("rolled_back");
            assertThat(s.lastDeploy().orElseThrow().reason()).startsWith("start failed");
            assertThat(s.containerId()).isEqualTo(oldId);
            s.assertWhole(B1);
        }
        Instant removed = Instant.now();
        images.publish(s.pushRef(), B3);
        s.agent().triggerPoll(Optional.empty());
        FaultStack.timeRecovery("port-in-use", removed, () -> s.isWhole(B3));
        s.assertWhole(B3);
    }

    @Test
    void aForeignContainerHoldingTheAsideNameIsNeverTouchedAndTheDeployWaitsForIt() {
        FaultStack s = deployBuild1("aside", "");
        String aside = s.name + ".redeploy-old";
        String foreign = LocalStack.exec("docker", "run", "-d", "--name", aside, s.pushRef());
        String current = s.containerId();
        images.publish(s.pushRef(), B2);

        s.poll();
        assertThat(s.lastDeploy().orElseThrow().outcome()).isEqualTo("failed");
        assertThat(s.lastDeploy().orElseThrow().reason()).contains(aside);
        assertThat(LocalStack.exec("docker", "inspect", "--format", "{{.Id}} {{.State.Status}}", aside))
                .isEqualTo(foreign + " running");
        assertThat(s.containerId()).isEqualTo(current);
        assertThat(LocalStack.answer(s.port)).contains("build=" + B1);

        LocalStack.exec("docker", "rm", "-f", aside);
        Instant removed = Instant.now();
        s.agent().triggerPoll(Optional.empty());
        FaultStack.timeRecovery("foreign-aside-container", removed, () -> s.isWhole(B2));
        s.assertWhole(B2);
    }

    @Test
    void theRunningImageDeletedUnderTheAgentIsPulledAgainAndTheNextBuildDeploys() {
        // Its own build: every reference to the image goes, TestImages' cache tag would go with a shared one.
        stack = new FaultStack("rmi", stateDir);
        FaultStack s = stack;
        String build1 = "rmi-" + s.suffix;
        LocalStack.pushTestImage(s.pushRef(), build1);
        s.start(LocalStack.REGISTRY, "");
        s.awaitDeployed(build1);
        String imageId = LocalStack.exec("docker", "inspect", "--format", "{{.Image}}", s.name);
        String references = LocalStack.exec(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{range .RepoTags}}{{.}} {{end}}{{range .RepoDigests}}{{.}} {{end}}",
                imageId);
        for (String ref : references.split("\\s+")) {
            // Removing a tag also drops that repository's digest references: some are gone by their turn.
            if (!ref.isBlank()) FaultStack.tryExec("docker", "rmi", "-f", ref);
        }
        assertThat(LocalStack.exec("docker", "image", "inspect", "--format", "{{len .RepoDigests}}", imageId))
                .isEqualTo("0");

        Instant removed = Instant.now();
        s.poll();
        FaultStack.timeRecovery("image-deleted", removed, () -> s.isWhole(build1));
        s.assertWhole(build1);
        System.out.println("reliability fault=image-deleted poll_outcome="
                + s.lastDeploy().map(d -> d.outcome() + " (" + d.reason() + ")").orElse("none"));

        images.publish(s.pushRef(), B2);
        s.poll();
        s.awaitAnswer(B2);
        s.assertWhole(B2);
    }

    @Test
    void aContainerRemovedByHandIsRecreatedAtTheNextPoll() {
        FaultStack s = deployBuild1("rm", "");
        LocalStack.exec("docker", "rm", "-f", s.name);
        assertThat(LocalStack.containersNamed(s.name)).isEmpty();

        Instant removed = Instant.now();
        s.agent().triggerPoll(Optional.empty());
        FaultStack.timeRecovery("container-removed", removed, () -> s.isWhole(B1));
        s.assertWhole(B1);
        assertThat(s.lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
    }

    @Test
    void aPullCutOffHalfWayFailsWithoutTouchingTheOldContainerAndIsRetriedOnceTheLinkIsBack() {
        FaultyRegistryProxy registry = new FaultyRegistryProxy(5000);
        stack = new FaultStack("cut", stateDir);
        FaultStack s = stack;
        s.closeLater(registry);
        images.publish(s.pushRef(), B1);
        s.start("127.0.0.1:" + registry.port(), "");
        s.awaitDeployed(B1);
        String oldId = s.containerId();
        // A build this engine does not hold: its pull must download blobs (a local image would need none).
        String build2 = "cut-" + s.suffix;
        LocalStack.pushTestImage(s.pushRef(), build2);
        LocalStack.exec("docker", "rmi", s.pushRef());

        registry.cutBlobDownloadsAfter(600);
        s.poll();
        assertThat(registry.blobsCut()).isPositive();
        assertThat(s.lastDeploy().orElseThrow().outcome()).isEqualTo("failed");
        assertThat(s.lastDeploy().orElseThrow().reason()).startsWith("pull failed");
        assertThat(s.agent().state().get("web").failedDigests()).isEmpty();
        assertThat(s.containerId()).isEqualTo(oldId);
        s.assertWhole(B1);

        registry.heal();
        Instant healed = Instant.now();
        s.agent().triggerPoll(Optional.empty());
        FaultStack.timeRecovery("pull-cut-off", healed, () -> s.isWhole(build2));
        s.assertWhole(build2);
    }
}
