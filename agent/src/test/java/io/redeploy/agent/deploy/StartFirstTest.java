package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.PortMapping;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code strategy: start-first} against the in-memory engine: the switch, every failure path, crash recovery. */
class StartFirstTest {
    private static final String NAME = "acme-web";
    private static final String NEW = ContainerNames.starting(NAME);
    private static final String NET = "survey";
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget deployer =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    private final ServiceConfig web = service(List.of());

    private static ServiceConfig service(List<PortMapping> ports) {
        return ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
                .containerName(NAME)
                .mode(ServiceConfig.UpdateMode.AUTO)
                .ports(ports)
                .network(Optional.of(NET))
                .networkAliases(List.of("web"))
                .health(new HealthCheckConfig(
                        HealthCheckConfig.Type.AUTO, "/", 0, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .stopTimeout(Duration.ofSeconds(7))
                .restartPolicy("unless-stopped")
                .strategy(ServiceConfig.Strategy.START_FIRST)
                .build();
    }

    /** The running V1 container, on the network under the alias, as an earlier deploy left it. */
    private String oldServing() {
        String id = docker.existingManaged(NAME, "web", REPO, V1.value(), "running");
        docker.connectNetwork(id, NET, List.of("web"));
        return id;
    }

    private void registryHasV2(Behaviour behaviour) {
        docker.registryHas(REPO, V2.value(), true, behaviour);
        docker.operations.clear();
    }

    private void assertOldUntouched(String old) {
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        ContainerInfo c = docker.byName(NAME).orElseThrow();
        assertThat(c.id()).isEqualTo(old);
        assertThat(c.running()).isTrue();
        assertThat(docker.aliasesOf(NAME, NET)).contains(List.of("web"));
        assertThat(docker.operations).doesNotContain("stop");
    }

    @Test
    void theNewContainerTakesTheAliasesOnlyOnceHealthyThenTheOldOneGoes() {
        oldServing();
        registryHasV2(Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).contains("start-first");
        assertThat(docker.specOf(NAME).orElseThrow().networkAliases())
                .as("created without aliases")
                .isEmpty();
        assertThat(docker.operations)
                .containsSubsequence(
                        "create", "start", "disconnect", "connect", "disconnect", "stop", "remove", "rename");
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(deployer.observe(web).runs(V2)).isTrue();
        assertThat(docker.aliasesOf(NAME, NET)).contains(List.of("web"));
    }

    @Test
    void anUnhealthyBuildIsRemovedAndTheOldOneNeverStopped() {
        String old = oldServing();
        registryHasV2(Behaviour.UNHEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("health (").contains("last log lines");
        assertOldUntouched(old);
    }

    @Test
    void aFailedCreateLeavesTheOldOneServing() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.failOn("create");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("create failed");
        assertOldUntouched(old);
    }

    @Test
    void aFailedSwitchRemovesTheNewContainer() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.failOn("connect");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("switch aliases to the new container on survey failed");
        assertOldUntouched(old);
    }

    @Test
    void aFailedCleanupAfterTheSwitchIsReportedNotRolledBack() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.failOn("stop");
        docker.failOn("remove");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).contains("cleanup incomplete");
        assertThat(docker.aliasesOf(NEW, NET)).contains(List.of("web"));
        assertThat(docker.inspectContainer(old).orElseThrow().ipAddresses()).doesNotContainKey(NET);
    }

    @Test
    void aFirstDeployNeedsNoOldContainer() {
        registryHasV2(Behaviour.HEALTHY);

        assertThat(deployer.deploy(web, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(docker.aliasesOf(NAME, NET)).contains(List.of("web"));
    }

    @Test
    void publishedPortsAreRefusedBeforeAnythingIsCreated() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(service(List.of(new PortMapping("", 8080, 8080, "tcp"))), V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).startsWith("settings failed: start-first needs");
        assertOldUntouched(old);
        assertThat(docker.operations).doesNotContain("create");
    }

    @Test
    void aLeftoverNewContainerIsRemovedBeforeTheDeploy() {
        oldServing();
        docker.existingManaged(NEW, "web", REPO, V1.value(), "exited");
        registryHasV2(Behaviour.HEALTHY);

        assertThat(deployer.deploy(web, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
    }

    @Test
    void recoveryRemovesTheNewContainerWhileTheOldOneServes() {
        String old = oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.operations.clear();

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .startsWith("web: removed " + NEW);
        assertOldUntouched(old);
    }

    @Test
    void recoveryReconnectsAnOldContainerCutOffMidSwitch() {
        String old = oldServing();
        docker.disconnectNetwork(old, NET);
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.operations.clear();

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .contains("reconnected " + NAME);
        assertOldUntouched(old);
    }

    @Test
    void recoveryFinishesTheSwitchWhenTheOldOneIsGoneAndTheNewOneHealthy() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .startsWith("web: finished interrupted start-first");
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(fresh);
        assertThat(docker.aliasesOf(NAME, NET)).contains(List.of("web"));
    }

    @Test
    void recoveryRemovesAnUnhealthyNewContainerWhenTheOldOneIsGone() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        docker.existingManaged(NEW, "web", REPO, V2.value(), "exited");

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .startsWith("web: removed " + NEW);
        assertThat(docker.all()).isEmpty();
    }
}
