package io.redeploy.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.state.DeployRecord;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole agent with {@code swarm_service:} against a single-node swarm on the test engine: a replicated service of
 * 2 tasks with a HEALTHCHECK (start-first, rollback on failure), a healthy build pushed to its tag is deployed by
 * digest and followed to {@code completed}, a build that fails its health check ends {@code rollback_completed} with
 * the previous build serving and is remembered as failed.
 */
class SwarmAgentIT {
    private static final Duration ROLLOUT = Duration.ofMinutes(3);

    static SwarmFixture swarm;
    static SwarmApi api;
    static String tag;
    static String service;

    @BeforeAll
    static void initSwarm() throws Exception {
        swarm = SwarmFixture.init();
        try {
            api = SwarmApi.connect("unix:///var/run/docker.sock");
            tag = swarm.image("web", "main", "v1", "--healthcheck");
            String network = swarm.overlayNetwork("agent-net");
            service = swarm.createService(
                    "web",
                    "--replicas",
                    "2",
                    "--network",
                    network,
                    "--endpoint-mode",
                    "dnsrr",
                    "--stop-grace-period",
                    "1s",
                    "--update-order",
                    "start-first",
                    "--update-failure-action",
                    "rollback",
                    "--update-monitor",
                    "2s",
                    "--rollback-monitor",
                    "2s",
                    "--no-resolve-image",
                    SwarmFixture.pinned(tag));
            awaitTasksOn(SwarmFixture.pushedDigest(tag));
        } catch (RuntimeException e) {
            leaveSwarm();
            throw e;
        }
    }

    @AfterAll
    static void leaveSwarm() {
        try {
            if (api != null) api.close();
        } finally {
            swarm.close();
        }
    }

    @Test
    void aHealthyBuildIsDeployedByDigestAndABrokenOneIsRolledBackBySwarm() throws Exception {
        Path state = Files.createTempDirectory("swarm-agent-it");
        AgentConfig config = new ConfigLoader(Map.of())
                .parse("""
                        state_dir: %s
                        schedule: { interval: 2s }
                        http: { listen: "127.0.0.1:%d" }
                        registries:
                          "%s": { insecure: true }
                        services:
                          web: { swarm_service: %s }
                        """.formatted(state, freePort(), SwarmFixture.REGISTRY, service), "swarm-agent-it");
        try (Agent agent = Agent.start(config, Clock.systemUTC())) {
            Thread.sleep(5_000);
            assertThat(lastOutcome(agent))
                    .as("the build that runs is not redeployed")
                    .isEmpty();

            swarm.image("web", "main", "v2", "--healthcheck");
            Digest v2 = SwarmFixture.pushedDigest(tag);
            await().atMost(ROLLOUT).until(() -> lastOutcome(agent).equals(Optional.of("deployed")));
            assertThat(api.inspectService(service).orElseThrow().digest()).contains(v2);
            awaitTasksOn(v2);

            swarm.image("web", "main", "broken", "unhealthy", "--healthcheck");
            Digest broken = SwarmFixture.pushedDigest(tag);
            await().atMost(ROLLOUT).until(() -> lastOutcome(agent).equals(Optional.of("rolled_back")));
            assertThat(api.inspectService(service).orElseThrow().digest())
                    .as("Swarm put the previous spec back")
                    .contains(v2);
            assertThat(agent.state().get("web").failedDigests()).contains(broken.value());
            assertThat(agent.state().get("web").lastDeploy().map(DeployRecord::reason))
                    .hasValueSatisfying(r -> assertThat(r).contains("Swarm rolled the update back"));
            awaitTasksOn(v2);
        }
    }

    private static Optional<String> lastOutcome(Agent agent) {
        return agent.state().get("web").lastDeploy().map(DeployRecord::outcome);
    }

    /** Two running tasks, both on {@code digest}. */
    private static void awaitTasksOn(Digest digest) {
        await().atMost(ROLLOUT).until(() -> {
            List<SwarmTask> running =
                    api.tasks(service).stream().filter(SwarmTask::isRunning).toList();
            return running.size() == 2 && running.stream().allMatch(t -> t.runs(digest));
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
