package io.redeploy.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.docker.swarm.SwarmUpdateConfig.FailureAction;
import io.redeploy.agent.docker.swarm.SwarmUpdateConfig.Order;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.swarm.SwarmUpdateOutcome.Result;
import io.redeploy.agent.time.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SwarmApi and SwarmUpdateFollower against a real single-node swarm on the shared Engine 20.10: initialised for this
 * class and left in {@link #leaveSwarm()}, whatever happened. Without IPVS here, services use {@code endpoint_mode:
 * dnsrr} on an attachable overlay network and are probed from a container on it.
 */
class SwarmApiIT {
    static final Duration ROLLOUT = Duration.ofSeconds(150);
    static final String SECRET = "tester-secret";

    static SwarmFixture swarm;
    static SwarmApi api;
    static SwarmUpdateFollower follower;
    static String v1;
    static String v2;
    static String broken;
    static String network;

    @BeforeAll
    static void initSwarm() {
        swarm = SwarmFixture.init();
        try {
            api = SwarmApi.connect("unix:///var/run/docker.sock");
            follower = new SwarmUpdateFollower(api, Clock.systemUTC(), Sleeper.real(), Duration.ofMillis(250));
            v1 = SwarmFixture.pinned(swarm.image("web", "v1", "v1", "--healthcheck"));
            v2 = SwarmFixture.pinned(swarm.image("web", "v2", "v2", "--healthcheck"));
            broken = SwarmFixture.pinned(swarm.image("web", "broken", "broken", "unhealthy", "--healthcheck"));
            network = swarm.overlayNetwork("net");
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

    static Digest digestOf(String pinned) {
        return ServiceImage.parse(pinned).digest().orElseThrow();
    }

    /** A replicated service of {@code replicas} on the overlay network, dnsrr, quick to stop; rolled out to v1. */
    static String webService(String name, int replicas, String... extra) throws InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--replicas",
                String.valueOf(replicas),
                "--network",
                network,
                "--endpoint-mode",
                "dnsrr",
                "--stop-grace-period",
                "1s",
                "--update-monitor",
                "2s",
                "--rollback-monitor",
                "2s",
                "--no-resolve-image"));
        args.addAll(List.of(extra));
        args.add(v1);
        String service = swarm.createService(name, args.toArray(String[]::new));
        SwarmUpdateOutcome created = follower.follow(service, digestOf(v1), ROLLOUT);
        assertThat(created.result()).as(created.message()).isEqualTo(Result.DEPLOYED);
        return service;
    }

    @Test
    void engineIsAManagerWithOneNode() {
        SwarmInfo info = api.requireManager();

        assertThat(info.isManager()).isTrue();
        assertThat(api.nodes()).singleElement().satisfies(n -> {
            assertThat(n.role()).isEqualTo("manager");
            assertThat(n.state()).isEqualTo("ready");
            assertThat(n.leader()).isTrue();
        });
    }

    @Test
    void aHealthyBuildRolledOutStartFirstCompletesWithoutAFailedProbe() throws Exception {
        String service = webService("web", 2);
        try (OverlayProbe probe = OverlayProbe.start(swarm, "probe-web", network, v1, service)) {
            probe.awaitSteady("build=v1", 20, Duration.ofSeconds(60));
            SwarmService before = api.inspectService(service).orElseThrow();
            int from = probe.lines().size();

            SwarmUpdateSubmitted submitted = api.updateDigest(
                    before,
                    digestOf(v2),
                    Optional.empty(),
                    SwarmUpdateConfig.none().withOrder(Order.START_FIRST));
            SwarmUpdateOutcome outcome = follower.follow(service, digestOf(v2), ROLLOUT);
            probe.awaitSteady("build=v2", 20, Duration.ofSeconds(30));

            Map<String, Integer> counts = probe.countsFrom(from);
            System.out.printf(
                    "swarm-it start-first: %s in %d ms, probes %s%n",
                    outcome.result(), outcome.elapsed().toMillis(), counts);
            assertThat(ServiceImage.parse(submitted.image()).digest()).contains(digestOf(v2));
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.DEPLOYED);
            assertThat(outcome.swarmState()).isEqualTo("completed");
            assertThat(outcome.runningOnTarget()).isEqualTo(2);
            assertThat(outcome.desired()).isEqualTo(2);
            assertThat(counts).doesNotContainKey("fail").containsKeys("build=v1", "build=v2");
            SwarmService after = api.inspectService(service).orElseThrow();
            assertThat(after.digest()).contains(digestOf(v2));
            assertThat(withoutImage(after.spec())).isEqualTo(withOrder(withoutImage(before.spec()), "start-first"));
            assertThat(api.tasks(after.id()).stream().filter(SwarmTask::isRunning))
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.digest()).contains(digestOf(v2)));
        } finally {
            swarm.removeService(service);
        }
    }

    static ObjectNode withoutImage(ObjectNode spec) {
        spec.withObject("/TaskTemplate/ContainerSpec").remove("Image");
        return spec;
    }

    static ObjectNode withOrder(ObjectNode spec, String order) {
        spec.withObject("/UpdateConfig").put("Order", order);
        return spec;
    }

    @Test
    void aBuildThatFailsItsHealthCheckIsRolledBackAndTheOldBuildKeepsServing() throws Exception {
        String service = webService("rb", 2);
        try (OverlayProbe probe = OverlayProbe.start(swarm, "probe-rb", network, v1, service)) {
            probe.awaitSteady("build=v1", 20, Duration.ofSeconds(60));
            int from = probe.lines().size();

            api.updateDigest(
                    api.inspectService(service).orElseThrow(),
                    digestOf(broken),
                    Optional.empty(),
                    SwarmUpdateConfig.none()
                            .withOrder(Order.START_FIRST)
                            .withFailureAction(FailureAction.ROLLBACK)
                            .withMonitor(Duration.ofSeconds(2)));
            SwarmUpdateOutcome outcome = follower.follow(service, digestOf(broken), ROLLOUT);
            probe.awaitSteady("build=v1", 20, Duration.ofSeconds(30));

            Map<String, Integer> counts = probe.countsFrom(from);
            System.out.printf(
                    "swarm-it rollback: %s in %d ms, message '%s', task error %s, probes %s%n",
                    outcome.result(), outcome.elapsed().toMillis(), outcome.message(), outcome.taskError(), counts);
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.ROLLED_BACK);
            assertThat(outcome.swarmState()).isEqualTo("rollback_completed");
            assertThat(outcome.runningOnTarget()).isZero();
            assertThat(outcome.message()).contains("rollback");
            assertThat(counts).doesNotContainKey("fail").containsOnlyKeys("build=v1");
            SwarmService after = api.inspectService(service).orElseThrow();
            assertThat(after.digest()).contains(digestOf(v1));
            // Swarm reports rollback_completed once the spec is back; a replaced replica may still be starting.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(api.tasks(after.id()).stream().filter(SwarmTask::isRunning))
                                    .hasSize(2)
                                    .allSatisfy(t -> assertThat(t.digest()).contains(digestOf(v1))));
        } finally {
            swarm.removeService(service);
        }
    }

    @Test
    void aPrivateImageIsPulledWithForwardedCredentialsAndNotWithout() throws Exception {
        Path dockerConfig = Files.createTempDirectory("swarm-it-docker-config");
        Map<String, String> env = Map.of("DOCKER_CONFIG", dockerConfig.toString());
        String privateRef = SwarmFixture.AUTH_REGISTRY + "/" + swarm.prefix + "/private:main";
        String service = null;
        try {
            Sh.run(env, "sh", "-c", "echo " + SECRET + " | docker login -u tester --password-stdin 127.0.0.1:5001");
            swarm.tagAndPush(env, v2.substring(0, v2.indexOf('@')), privateRef);
            String privatePinned = SwarmFixture.pinned(privateRef);
            // Not on the engine any more, so the task must pull it from the registry that wants credentials.
            Sh.run("docker", "rmi", privateRef);
            Sh.tryRun("docker", "rmi", privatePinned.replace(":main@", "@"));
            service = swarm.createService(
                    "priv",
                    "--replicas",
                    "1",
                    "--stop-grace-period",
                    "1s",
                    "--update-monitor",
                    "2s",
                    "--no-resolve-image",
                    v1);
            assertThat(follower.follow(service, digestOf(v1), ROLLOUT).result()).isEqualTo(Result.DEPLOYED);
            SwarmUpdateConfig pauseOnFailure = SwarmUpdateConfig.none()
                    .withFailureAction(FailureAction.PAUSE)
                    .withMonitor(Duration.ofSeconds(2));

            api.updateImage(api.inspectService(service).orElseThrow(), privatePinned, Optional.empty(), pauseOnFailure);
            SwarmUpdateOutcome anonymous = follower.follow(service, digestOf(privatePinned), ROLLOUT);

            SwarmRegistryAuth auth = new SwarmRegistryAuth("127.0.0.1:5001", "tester", SECRET);
            api.updateImage(
                    api.inspectService(service).orElseThrow(), privatePinned, Optional.of(auth), pauseOnFailure);
            SwarmUpdateOutcome withCredentials = follower.follow(service, digestOf(privatePinned), ROLLOUT);

            System.out.printf(
                    "swarm-it private: without credentials %s ('%s', task error %s); with %s in %d ms%n",
                    anonymous.result(),
                    anonymous.message(),
                    anonymous.taskError(),
                    withCredentials.result(),
                    withCredentials.elapsed().toMillis());
            assertThat(anonymous.result()).as(anonymous.message()).isEqualTo(Result.PAUSED);
            assertThat(anonymous.runningOnTarget()).isZero();
            assertThat(anonymous.taskError()).isPresent();
            assertThat(withCredentials.result()).as(withCredentials.message()).isEqualTo(Result.DEPLOYED);
            assertThat(withCredentials.runningOnTarget()).isEqualTo(1);
            Stream.of(anonymous, withCredentials)
                    .forEach(o -> assertThat(o.toString()).doesNotContain(SECRET));
            assertThat(api.inspectService(service).orElseThrow().spec().toString())
                    .doesNotContain(SECRET);
            swarm.registerImage(privateRef);
        } finally {
            if (service != null) swarm.removeService(service);
            Sh.tryRun(env, "docker", "logout", "127.0.0.1:5001");
            try (Stream<Path> files = Files.walk(dockerConfig)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aStaleVersionIsAConflictAndTheSecondWriterSeesTheFirstsUpdate() throws Exception {
        String service =
                swarm.createService("race", "--replicas", "1", "--stop-grace-period", "1s", "--no-resolve-image", v1);
        try (SwarmApi secondWriter = SwarmApi.connect("unix:///var/run/docker.sock")) {
            SwarmService readByFirst = api.inspectService(service).orElseThrow();
            SwarmService readBySecond = secondWriter.inspectService(service).orElseThrow();

            api.updateDigest(readByFirst, digestOf(v2), Optional.empty(), SwarmUpdateConfig.none());

            assertThatThrownBy(() -> secondWriter.updateDigest(
                            readBySecond, digestOf(broken), Optional.empty(), SwarmUpdateConfig.none()))
                    .isInstanceOfSatisfying(SwarmVersionConflictException.class, e -> {
                        System.out.printf("swarm-it conflict: HTTP %d: %s%n", e.statusCode(), e.getMessage());
                        assertThat(e.staleVersion()).isEqualTo(readBySecond.versionIndex());
                        assertThat(e.getMessage()).contains(service, "out of sequence");
                    });
            SwarmService reread = secondWriter.inspectService(service).orElseThrow();
            assertThat(reread.digest()).contains(digestOf(v2));
            assertThat(reread.versionIndex()).isGreaterThan(readBySecond.versionIndex());
            SwarmUpdateOutcome outcome = follower.follow(service, digestOf(v2), ROLLOUT);
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.DEPLOYED);
        } finally {
            swarm.removeService(service);
        }
    }

    @Test
    void aGlobalServiceIsUpdatedAndFollowedToo() throws Exception {
        String service = swarm.createService(
                "global",
                "--mode",
                "global",
                "--stop-grace-period",
                "1s",
                "--update-monitor",
                "2s",
                "--no-resolve-image",
                v1);
        try {
            assertThat(follower.follow(service, digestOf(v1), ROLLOUT).result()).isEqualTo(Result.DEPLOYED);
            SwarmService before = api.inspectService(service).orElseThrow();
            assertThat(before.mode()).isEqualTo(SwarmService.Mode.GLOBAL);
            assertThat(before.replicas()).isEmpty();

            api.updateDigest(before, digestOf(v2), Optional.empty(), SwarmUpdateConfig.none());
            SwarmUpdateOutcome outcome = follower.follow(service, digestOf(v2), ROLLOUT);

            System.out.printf(
                    "swarm-it global: %s in %d ms%n",
                    outcome.result(), outcome.elapsed().toMillis());
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.DEPLOYED);
            assertThat(outcome.runningOnTarget()).isEqualTo(1);
            assertThat(outcome.desired()).isEqualTo(1);
        } finally {
            swarm.removeService(service);
        }
    }

    @Test
    void aServiceFromStackDeployIsReadPinnedByTagAndDigestAndUpdatedKeepingItsTag() throws Exception {
        String stack = swarm.prefix.replace("-", "");
        String tagged = swarm.image("stack", "main", "s1", "--healthcheck");
        Digest first = SwarmFixture.pushedDigest(tagged);
        Path compose = Files.createTempFile("swarm-it-stack", ".yml");
        String service = stack + "_web";
        swarm.registerService(service);
        swarm.registerNetwork(stack + "_default");
        try {
            Files.writeString(compose, """
                    version: "3.8"
                    services:
                      web:
                        image: %s
                        stop_grace_period: 1s
                        deploy:
                          replicas: 1
                          endpoint_mode: dnsrr
                    """.formatted(tagged));
            // No --detach: the 20.10 CLI has no such flag (it never waits); newer CLIs default to detached.
            Sh.run("docker", "stack", "deploy", "-c", compose.toString(), stack);

            SwarmService deployed = api.inspectService(service).orElseThrow();
            ServiceImage image = ServiceImage.parse(deployed.image());
            System.out.printf("swarm-it stack: image as stack deploy left it: %s%n", deployed.image());
            assertThat(image.repository()).isEqualTo(tagged.substring(0, tagged.lastIndexOf(':')));
            assertThat(image.tag()).contains("main");
            assertThat(image.digest()).contains(first);
            assertThat(follower.follow(service, first, ROLLOUT).result()).isEqualTo(Result.DEPLOYED);

            swarm.image("stack", "main", "s2", "--healthcheck");
            Digest second = SwarmFixture.pushedDigest(tagged);
            SwarmUpdateSubmitted submitted = api.updateDigest(
                    api.inspectService(service).orElseThrow(), second, Optional.empty(), SwarmUpdateConfig.none());
            SwarmUpdateOutcome outcome = follower.follow(service, second, ROLLOUT);

            assertThat(submitted.image()).isEqualTo(tagged + "@" + second);
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.DEPLOYED);
            SwarmService after = api.inspectService(service).orElseThrow();
            assertThat(after.spec()
                            .path("Labels")
                            .path("com.docker.stack.namespace")
                            .asText())
                    .isEqualTo(stack);
        } finally {
            Sh.tryRun("docker", "stack", "rm", stack);
            Files.deleteIfExists(compose);
        }
    }
}
