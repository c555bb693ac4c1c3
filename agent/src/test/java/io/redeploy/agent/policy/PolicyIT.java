package io.redeploy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.HookConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.deploy.ContainerTarget;
import io.redeploy.agent.deploy.Targets;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerJavaGateway;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.it.LocalStack;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.DeploysInFlight;
import io.redeploy.agent.reconcile.Observer;
import io.redeploy.agent.reconcile.PollEvents;
import io.redeploy.agent.reconcile.Reconciler;
import io.redeploy.agent.reconcile.Recorder;
import io.redeploy.agent.reconcile.SignatureCheck;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.time.Sleeper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update policy and hooks against the real engine and the local registry: a postgres-like test image that
 * declares its major in {@code PG_MAJOR} (as the official image does), a pg_dump-like hook run through the Docker
 * exec API. Containers and repositories are prefixed {@code it-policy-xxxxxxxx} and removed afterwards.
 */
class PolicyIT {
    private static final String PREFIX = LocalStack.uniqueRepository("it-policy");
    private static final String REPO = LocalStack.REGISTRY + "/" + PREFIX + "/db";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig(LocalStack.REGISTRY, true, Optional.empty(), Optional.empty());

    private static DockerJavaGateway docker;
    private static Digest pg15a;
    private static Digest pg15b;
    private static Digest pg16;

    @TempDir
    Path backups;

    private final Clock clock = Clock.systemUTC();
    private final ContainerTarget deployer = Targets.of(
            docker,
            new DefaultHealthGates(docker, clock, Sleeper.real()),
            clock,
            Duration.ofMinutes(2),
            new PolicyHooks(docker, clock));

    @BeforeAll
    static void buildImages() {
        LocalStack.requireRunning(); // fails, not skips, without the stack
        docker = DockerJavaGateway.connect(DockerConfig.DEFAULT_HOST);
        pg15a = build("15a", "15.7", "PG_MAJOR=15");
        pg15b = build("15b", "15.8", "PG_MAJOR=15");
        pg16 = build("16", "16.4", "PG_MAJOR=16");
    }

    private static Digest build(String tag, String version, String env) {
        LocalStack.pushTestImage(REPO + ":" + tag, version, "--env", env);
        return docker.inspectImage(REPO + ":" + tag).orElseThrow().repoDigests().stream()
                .filter(d -> d.startsWith(REPO + "@"))
                .map(d -> Digest.parse(d.substring(d.indexOf('@') + 1)))
                .findFirst()
                .orElseThrow();
    }

    @AfterEach
    void removeContainers() {
        LocalStack.removeContainersNamed(PREFIX);
    }

    @AfterAll
    static void removeImages() {
        String images = LocalStack.exec("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", REPO);
        for (String image : images.isBlank() ? new String[0] : images.split("\\s+")) {
            try {
                LocalStack.exec("docker", "rmi", "-f", image);
            } catch (IllegalStateException ignored) {
            }
        }
        docker.close();
    }

    private static ServiceConfig db(UpdatePolicy policy) {
        return ServiceConfig.builder("db", ImageRef.parse(REPO, "main"))
                .containerName(PREFIX + "-db")
                .mode(ServiceConfig.UpdateMode.AUTO)
                .health(new HealthCheckConfig(
                        HealthCheckConfig.Type.AUTO, "/", 0, Duration.ofSeconds(20), Duration.ofMillis(500)))
                .stopTimeout(Duration.ofSeconds(1))
                .restartPolicy("no")
                .policy(policy)
                .build();
    }

    private ContainerInfo running() {
        return docker.inspectContainer(PREFIX + "-db").orElseThrow();
    }

    /**
     * pin-major through a whole poll against the real registry: the new image's major is read from its config blob
     * (manifest, then config) before anything is pulled, so a refused build never touches the stack.
     */
    @Test
    void pinMajorDeploysTheSameMajorRefusesAnotherBeforeThePullAndAutoDeploysIt(@TempDir Path stateDir) {
        StateStore state = StateStore.open(stateDir, clock);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (RegistryClient registry = RegistryClient.builder(image -> REGISTRY).build()) {
            ServiceConfig pinned = db(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR));
            Reconciler reconciler = reconciler(pinned, registry, state, executor);

            moveMainTo("15a");
            assertThat(reconciler.run(Optional.empty()).deploys())
                    .extracting(DeployResult::outcome)
                    .containsExactly(Outcome.DEPLOYED); // nothing ran before
            moveMainTo("15b");
            assertThat(reconciler.run(Optional.empty()).deploys())
                    .extracting(DeployResult::outcome)
                    .containsExactly(Outcome.DEPLOYED);
            String before = running().id();

            moveMainTo("16");
            DeployResult refused = reconciler.run(Optional.empty()).deploys().get(0);

            assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(refused.reason()).contains("major version change 15 -> 16", "env:PG_MAJOR", "manual step");
            assertThat(running().id()).isEqualTo(before);
            assertThat(running().running()).isTrue();
            assertThat(running().labels()).containsEntry("redeploy-agent.digest", pg15b.value());
            assertThat(state.get("db").failedDigests()).containsExactly(pg16.value());
            assertThat(reconciler.run(Optional.empty()).deploys())
                    .as("refused once, then skipped")
                    .isEmpty();

            Reconciler auto = reconciler(db(UpdatePolicy.defaults()), registry, state, executor);
            state.clearFailed("db");
            assertThat(auto.run(Optional.empty()).deploys())
                    .extracting(DeployResult::outcome)
                    .containsExactly(Outcome.DEPLOYED);
            assertThat(running().labels()).containsEntry("redeploy-agent.digest", pg16.value());
        } finally {
            executor.shutdownNow();
        }
    }

    private Reconciler reconciler(
            ServiceConfig service, RegistryClient registry, StateStore state, ExecutorService executor) {
        Observer observer = new Observer(registry, registry, SignatureCheck.NONE, deployer, state, executor, clock);
        Recorder recorder = new Recorder(state, new AgentMetrics(clock), PollEvents.NONE, clock);
        return new Reconciler(
                List.of(service), observer, deployer, recorder, image -> REGISTRY, clock, new DeploysInFlight());
    }

    /** Points the watched tag at one of the builds, as a push of that build would. */
    private static void moveMainTo(String tag) {
        LocalStack.exec("docker", "tag", REPO + ":" + tag, REPO + ":main");
        LocalStack.exec("docker", "push", "-q", REPO + ":main");
    }

    @Test
    void thePreUpdateDumpRunsInTheOldContainerAndIsSavedAsABackup() throws IOException {
        assertThat(deployer.deploy(db(UpdatePolicy.defaults()), pg15a, REGISTRY).outcome())
                .isEqualTo(Outcome.DEPLOYED);
        String oldId = running().id();
        HookConfig dump = HookConfig.exec(
                        List.of(
                                "sh",
                                "-c",
                                "echo \"-- dump of $(cat /www/index.html)\" > /tmp/dump.sql && echo 'CREATE TABLE answers (id int);' "
                                        + ">> /tmp/dump.sql && cat /tmp/dump.sql"),
                        Duration.ofSeconds(30))
                .savingOutput(backups, "sql", 7);

        DeployResult result = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.of(dump), Optional.empty())), pg15b, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(running().id()).isNotEqualTo(oldId);
        List<Path> files;
        try (Stream<Path> list = Files.list(backups)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).matches("db-\\d{8}T\\d{6}\\.\\d{3}Z\\.sql\\.gz");
        // The dump was taken from the OLD container (build 15.7), before it stopped.
        assertThat(gunzip(files.get(0))).isEqualTo("-- dump of build=15.7\nCREATE TABLE answers (id int);\n");
    }

    @Test
    void aFailingPreUpdateHookAbortsTheDeployAndLeavesTheOldContainerUntouched() throws IOException {
        assertThat(deployer.deploy(db(UpdatePolicy.defaults()), pg15a, REGISTRY).outcome())
                .isEqualTo(Outcome.DEPLOYED);
        ContainerInfo before = running();
        HookConfig failing = HookConfig.exec(
                        List.of("sh", "-c", "echo partial; echo 'pg_dump: error: connection refused' >&2; " + "exit 1"),
                        Duration.ofSeconds(30))
                .savingOutput(backups, "sql", 7);

        DeployResult result = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.of(failing), Optional.empty())), pg15b, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).isEqualTo("pre-update hook failed: exit 1: pg_dump: error: connection refused");
        ContainerInfo after = running();
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.running()).isTrue();
        assertThat(after.restartCount()).isEqualTo(before.restartCount());
        assertThat(after.labels()).containsEntry("redeploy-agent.digest", pg15a.value());
        assertThat(LocalStack.containersNamed(PREFIX)).containsExactly(PREFIX + "-db");
        try (Stream<Path> list = Files.list(backups)) {
            assertThat(list).isEmpty(); // no half-written backup
        }
    }

    @Test
    void exitCode75SkipsTheDeployAndThePostUpdateHookRunsInTheNewContainer() {
        assertThat(deployer.deploy(db(UpdatePolicy.defaults()), pg15a, REGISTRY).outcome())
                .isEqualTo(Outcome.DEPLOYED);
        String oldId = running().id();
        HookConfig notNow = HookConfig.exec(List.of("sh", "-c", "exit 75"), Duration.ofSeconds(30));
        HookConfig post = HookConfig.exec(
                List.of("sh", "-c", "grep -q build=15.8 /www/index.html || exit 3"), Duration.ofSeconds(30));

        DeployResult skipped = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.of(notNow), Optional.of(post))), pg15b, REGISTRY);

        assertThat(skipped.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(running().id()).isEqualTo(oldId);

        DeployResult deployed = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.empty(), Optional.of(post))), pg15b, REGISTRY);

        assertThat(deployed.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(deployed.reason()).doesNotContain("post-update hook failed");
    }

    @Test
    void aPreUpdateHookPastItsTimeoutAbortsTheDeploy() {
        assertThat(deployer.deploy(db(UpdatePolicy.defaults()), pg15a, REGISTRY).outcome())
                .isEqualTo(Outcome.DEPLOYED);
        String oldId = running().id();
        HookConfig slow = HookConfig.exec(List.of("sleep", "30"), Duration.ofSeconds(1));

        DeployResult result = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.of(slow), Optional.empty())), pg15b, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason())
                .startsWith("pre-update hook failed: did not complete: ")
                .contains("not finished within 1s");
        assertThat(running().id()).isEqualTo(oldId);
        assertThat(running().running()).isTrue();
    }

    /** Attack: a hook that hangs must not stay behind in the container (a pg_dump holding its locks). */
    @Test
    void aTimedOutExecHookIsKilledInsideTheContainerWithItsChildren() {
        assertThat(deployer.deploy(db(UpdatePolicy.defaults()), pg15a, REGISTRY).outcome())
                .isEqualTo(Outcome.DEPLOYED);
        String oldId = running().id();
        // "; true" keeps sh as the parent of sleep, like a wrapper script around pg_dump.
        HookConfig hanging = HookConfig.exec(List.of("sh", "-c", "sleep 4321; true"), Duration.ofSeconds(1));

        DeployResult result = deployer.deploy(
                db(UpdatePolicy.defaults().withHooks(Optional.of(hanging), Optional.empty())), pg15b, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("not finished within 1s").contains("killed its process");
        assertThat(LocalStack.exec("docker", "top", oldId)).doesNotContain("sleep 4321");
        assertThat(running().running()).isTrue();
    }

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
