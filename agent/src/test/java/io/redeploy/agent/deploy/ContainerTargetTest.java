package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSpec;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.Mount;
import io.redeploy.agent.docker.PortBinding;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.Workload;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerTargetTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget deployer =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    private final ServiceConfig web = Services.web();

    private String oldRunningV1() {
        return docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
    }

    private void assertOldRestored(String oldId) {
        assertThat(docker.all()).hasSize(1);
        ContainerInfo restored = docker.byName("acme-web").orElseThrow();
        assertThat(restored.id()).isEqualTo(oldId);
        assertThat(restored.running()).isTrue();
        assertThat(docker.byName(ContainerNames.aside("acme-web"))).isEmpty();
    }

    @Test
    void unchangedDigestNeitherPullsNorRestarts() {
        String oldId = oldRunningV1();

        DeployResult result = deployer.deploy(web, V1, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).contains("already running");
        assertThat(docker.operations).isEmpty();
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(oldId);
    }

    @Test
    void newDigestRecreatesTheContainerFromTheConfiguredSettingsAndRemovesTheOldOne() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.from()).contains(V1);
        assertThat(result.to()).isEqualTo(V2);
        assertThat(result.reason()).doesNotContain("hunter2");
        assertThat(docker.all()).hasSize(1);
        ContainerInfo now = docker.byName("acme-web").orElseThrow();
        assertThat(now.id()).isNotEqualTo(oldId);
        assertThat(now.running()).isTrue();
        assertThat(now.image()).isEqualTo(REPO + "@" + V2.value());
        assertThat(now.labels())
                .containsEntry(AgentLabels.MANAGED, "true")
                .containsEntry(AgentLabels.SERVICE, "web")
                .containsEntry(AgentLabels.DIGEST, V2.value())
                .containsEntry("team", "core");
        ContainerSpec spec = docker.specOf("acme-web").orElseThrow();
        assertThat(spec.env()).containsEntry("DB_PASSWORD", "hunter2-secret");
        assertThat(spec.ports()).containsExactly(new PortBinding("127.0.0.1", 18080, 8080, "tcp"));
        assertThat(spec.volumes()).containsExactly(new Mount("web-data", "/data", false));
        assertThat(spec.restartPolicy()).isEqualTo("unless-stopped");
        assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(spec.toString()).doesNotContain("hunter2");
        assertThat(docker.operations).containsExactly("pull", "tag", "rename", "create", "stop", "start", "remove");
        assertThat(deployer.observe(web).runs(V2)).isTrue();
    }

    @Test
    void anonymousVolumesOfTheOldContainerAreMountedAgainUnlessConfigured() {
        String oldId = oldRunningV1();
        String anonymous = "f".repeat(64);
        docker.mountVolume(oldId, "/var/lib/postgresql/data", anonymous);
        docker.mountVolume(oldId, "/data", "e".repeat(64)); // configured as web-data: the configuration wins
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        assertThat(deployer.deploy(web, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);

        assertThat(docker.specOf("acme-web").orElseThrow().volumes())
                .containsExactlyInAnyOrder(
                        new Mount("web-data", "/data", false), new Mount(anonymous, "/var/lib/postgresql/data", false));
    }

    @Test
    void pullFailureLeavesTheOldContainerUntouched() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        docker.failOn("pull");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("pull failed");
        assertThat(docker.operations).containsExactly("pull");
        assertOldRestored(oldId);
    }

    @Test
    void unknownDigestFailsAtPull() {
        String oldId = oldRunningV1();

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("manifest unknown");
        assertOldRestored(oldId);
    }

    @Test
    void invalidSettingsFailBeforeTheOldContainerIsTouched() {
        oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        ServiceConfig bad = ServiceConfig.builder(web.name(), web.image())
                .containerName(web.containerName())
                .mode(web.mode())
                .env(web.env())
                .ports(web.ports())
                .volumes(web.volumes())
                .network(web.network())
                .networkAliases(web.networkAliases())
                .dependsOn(web.dependsOn())
                .health(web.health())
                .stopTimeout(web.stopTimeout())
                .restartPolicy("sometimes")
                .command(web.command())
                .labels(web.labels())
                .build();

        DeployResult result = deployer.deploy(bad, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("settings failed: restart policy 'sometimes'");
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void healthSettingsWithoutAPortFailBeforeTheOldContainerIsTouched() {
        oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        ServiceConfig noPort = ServiceConfig.builder(web.name(), web.image())
                .containerName(web.containerName())
                .mode(web.mode())
                .env(web.env())
                .volumes(web.volumes())
                .network(web.network())
                .networkAliases(web.networkAliases())
                .dependsOn(web.dependsOn())
                .health(Services.health(HealthCheckConfig.Type.HTTP, Duration.ofSeconds(5)))
                .stopTimeout(web.stopTimeout())
                .restartPolicy("no")
                .command(web.command())
                .labels(web.labels())
                .build();

        DeployResult result = deployer.deploy(noPort, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("settings failed").contains("set health.port");
        assertThat(docker.operations).containsExactly("pull");
    }

    @Test
    void createFailureRestoresTheOldContainer() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        docker.failOn("create");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("create failed");
        assertOldRestored(oldId);
    }

    @Test
    void aFailedStopOfTheOldContainerPutsItBackUnderItsName() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        docker.failOn("stop");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("stop old container failed");
        assertThat(docker.operations).containsSubsequence("rename", "create", "stop", "remove", "rename", "start");
        assertOldRestored(oldId);
    }

    @Test
    void startFailureRemovesTheNewContainerAndRestoresTheOldOne() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        docker.failOn("start");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);
        docker.heal("start");

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("start failed").contains("rollback incomplete");
        // The injected failure also hit the rollback's start: the old container is back under its name.
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(oldId);
        assertThat(docker.all()).hasSize(1);
    }

    @Test
    void startFailureOfTheNewContainerOnlyRestoresAndStartsTheOldOne() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        FakeDocker failingFirstStart = docker;
        ContainerTarget d = Targets.of(
                new StartFailsOnce(failingFirstStart), new DefaultHealthGates(docker, clock, clock.sleeper()), clock);

        DeployResult result = d.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("start failed").doesNotContain("rollback incomplete");
        assertOldRestored(oldId);
    }

    @Test
    void healthDeadlineRollsBack() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), true, Behaviour.NEVER_READY);
        ServiceConfig slow = Services.service(
                "web", "acme-web", Services.health(HealthCheckConfig.Type.AUTO, Duration.ofSeconds(30)));

        DeployResult result = deployer.deploy(slow, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .startsWith("health (docker-healthcheck) failed")
                .contains("not healthy within 30.0s")
                .contains("starting");
        // The new build's whole gate, then the old build's own gate once it runs again (one 1 s check).
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(31));
        assertOldRestored(oldId);
    }

    @Test
    void unhealthyFailsFastWithoutWaitingForTheDeadline() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), true, Behaviour.UNHEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).contains("unhealthy");
        // No wait for the new build's deadline; the 1 s is the old build's gate after it runs again.
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(1));
        assertOldRestored(oldId);
    }

    @Test
    void anOldBuildThatDoesNotPassItsGateAfterTheRollbackIsReportedNotHidden() {
        // E.g. the new build migrated the database to a schema the old one cannot read.
        docker.registryHas(REPO, V1.value(), true, Behaviour.UNHEALTHY);
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), true, Behaviour.UNHEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .contains("rollback incomplete")
                .contains("the old build did not pass its health gate after the rollback");
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(oldId);
    }

    @Test
    void crashDuringHealthWaitRollsBackWithTheLogTail() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.CRASH);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .contains("exited")
                .contains("exit code 1")
                .contains("last log lines: crashing | bye");
        assertThat(clock.slept()).isLessThan(web.health().timeout());
        assertOldRestored(oldId);
    }

    @Test
    void anUnexpectedErrorDuringTheSwapStillRollsBack() {
        String oldId = oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        HealthGate broken = new HealthGate() {
            @Override
            public void await(String containerId) {
                throw new IllegalStateException("bug in a gate");
            }

            @Override
            public String describe() {
                return "broken";
            }
        };
        ContainerTarget d = Targets.of(docker, (service, image) -> broken, clock);

        DeployResult result = d.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).contains("bug in a gate");
        assertOldRestored(oldId);
    }

    @Test
    void anOldContainerThatWasStoppedStaysStoppedAfterARollback() {
        String oldId = docker.existingManaged("acme-web", "web", REPO, V1.value(), "exited");
        docker.registryHas(REPO, V2.value(), false, Behaviour.CRASH);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        ContainerInfo old = docker.byName("acme-web").orElseThrow();
        assertThat(old.id()).isEqualTo(oldId);
        assertThat(old.running()).isFalse();
    }

    @Test
    void aFailedRenameBackIsReportedAsAnIncompleteRollback() {
        oldRunningV1();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        docker.failOn("create");
        ContainerTarget d = Targets.of(
                new RenameFailsAfterFirst(docker), new DefaultHealthGates(docker, clock, clock.sleeper()), clock);

        DeployResult result = d.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).contains("rollback incomplete").contains("rename");
    }

    @Test
    void firstDeployWithoutAnyContainerCreatesIt() {
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.from()).isEmpty();
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
        assertThat(docker.operations).containsExactly("pull", "tag", "create", "start");
    }

    @Test
    void failedFirstDeployLeavesNothingBehind() {
        docker.registryHas(REPO, V2.value(), false, Behaviour.CRASH);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(docker.all()).isEmpty();
    }

    @Test
    void adoptsAContainerStartedBySomeoneElseUnderTheConfiguredName() {
        String foreign =
                docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        Workload before = deployer.observe(web);
        assertThat(before.managed()).isFalse();
        assertThat(before.runs(V1)).isTrue();

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.from()).contains(V1);
        assertThat(docker.all()).hasSize(1);
        ContainerInfo now = docker.byName("acme-web").orElseThrow();
        assertThat(now.id()).isNotEqualTo(foreign);
        assertThat(now.managed()).isTrue();
        assertThat(deployer.observe(web).managed()).isTrue();
    }

    @Test
    void aFailedAdoptionRestoresTheForeignContainer() {
        String foreign = docker.existing("acme-web", REPO, V1.value(), Map.of(), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.CRASH);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertOldRestored(foreign);
        assertThat(docker.byName("acme-web").orElseThrow().managed()).isFalse();
    }

    @Test
    void neverTouchesAContainerTheAgentManagesForAnotherService() {
        String other = docker.existingManaged("acme-web", "api", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("service api");
        assertThat(docker.operations).isEmpty();
        assertOldRestored(other);
    }

    @Test
    void inspectComparesDigestsOfTheConfiguredRepositoryOnly() {
        docker.existing("acme-web", "127.0.0.1:5000/other/repo", V1.value(), Map.of(), true);

        Workload running = deployer.observe(web);

        assertThat(running.exists()).isTrue();
        assertThat(running.running()).isTrue();
        assertThat(running.runs(V1)).isFalse();
        assertThat(running.repoDigests()).isEmpty();
        assertThat(deployer.observe(Services.service("api", "nothing-here", HealthCheckConfig.defaults())))
                .isEqualTo(Workload.absent("api"));
    }

    @Test
    void restartStopsAndStartsTheContainerAndWaitsForItsGate() {
        String id = oldRunningV1();

        assertThat(deployer.restart(web)).isTrue();

        assertThat(docker.operations).containsExactly("stop", "start");
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(id);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void restartReportsFailureInsteadOfThrowing() {
        assertThat(deployer.restart(web)).isFalse();
        oldRunningV1();
        docker.failOn("start");
        assertThat(deployer.restart(web)).isFalse();
        docker.existingManaged("other", "api", REPO, V1.value(), "running");
        assertThat(deployer.restart(Services.service("web", "other", HealthCheckConfig.defaults())))
                .isFalse();
    }

    @Test
    void pruneKeepsTheCurrentAndThePreviousImage() {
        docker.registryHas(REPO, Services.digest('0').value(), false, Behaviour.HEALTHY);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        String oldId = oldRunningV1();
        String previousImage = docker.byName("acme-web").orElseThrow().imageId();
        docker.pull(REPO, Services.digest('0').value(), ContainerSpecs.registryAuth(REGISTRY), Duration.ofMinutes(1));
        docker.operations.clear();
        ServiceConfig pruning = ServiceConfig.builder(web.name(), web.image())
                .containerName(web.containerName())
                .mode(web.mode())
                .env(web.env())
                .ports(web.ports())
                .volumes(web.volumes())
                .network(web.network())
                .networkAliases(web.networkAliases())
                .dependsOn(web.dependsOn())
                .health(web.health())
                .stopTimeout(web.stopTimeout())
                .restartPolicy(web.restartPolicy())
                .command(web.command())
                .labels(web.labels())
                .pruneOldImages(true)
                .build();

        DeployResult result = deployer.deploy(pruning, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isNotEqualTo(oldId);
        assertThat(docker.hasImage(previousImage)).isTrue();
        assertThat(docker.hasImage(REPO + "@" + V2.value())).isTrue();
        assertThat(docker.hasImage(REPO + "@" + Services.digest('0').value())).isFalse();
    }

    @Test
    void deployAfterACrashHealsTheLeftoverFirst() {
        String oldId = docker.existingManaged("acme-web", "web", REPO, V1.value(), "exited");
        docker.rename(oldId, ContainerNames.aside("acme-web"));
        docker.operations.clear();
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.all()).hasSize(1);
        assertThat(docker.byName(ContainerNames.aside("acme-web"))).isEmpty();
    }

    @Test
    void anUnresolvableLeftoverFailsTheDeployWithoutTouchingAnything() {
        docker.existing("acme-web", REPO, V1.value(), Map.of(), true);
        docker.existing(ContainerNames.aside("acme-web"), REPO, V1.value(), Map.of(), false);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("left over");
        assertThat(docker.operations).isEmpty();
    }

    /** Fails the first start (the new container's) and lets the rollback's start through. */
    private static final class StartFailsOnce extends ForwardingDocker {
        private boolean failed;

        StartFailsOnce(FakeDocker delegate) {
            super(delegate);
        }

        @Override
        public void start(String containerId) {
            if (!failed) {
                failed = true;
                throw new DockerGatewayException("could not start container: port is already allocated");
            }
            super.start(containerId);
        }
    }

    /** The rename aside works; the rename back fails. */
    private static final class RenameFailsAfterFirst extends ForwardingDocker {
        private int renames;

        RenameFailsAfterFirst(FakeDocker delegate) {
            super(delegate);
        }

        @Override
        public void rename(String containerId, String newName) {
            if (++renames > 1) {
                throw new DockerGatewayException("could not rename container: engine hiccup");
            }
            super.rename(containerId, newName);
        }
    }
}
