package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.ProxyConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.deploy.health.HealthGate;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.docker.PortBinding;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code strategy: start-first} behind the agent's own port ({@code proxy}), against the in-memory engine. */
class ProxyStrategyTest {
    private static final String NAME = "acme-web";
    private static final String NEW = ContainerNames.starting(NAME);
    private static final String NET = "survey";
    private static final int OLD_PORT = 40001;
    private static final ProxyConfig PROXY = new ProxyConfig("0.0.0.0", 8080, 8080, Duration.ofSeconds(12));
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final FakeSwitch port = new FakeSwitch(docker.operations);
    private final ContainerTarget deployer =
            deployer(service -> service.equals("web") ? Optional.of(port) : Optional.empty());
    private final ServiceConfig web = service(HealthCheckConfig.Type.NONE, Optional.empty(), List.of());

    private ContainerTarget deployer(TrafficSwitches switches) {
        return Targets.of(
                docker,
                new DefaultHealthGates(docker, clock, clock.sleeper()),
                clock,
                Duration.ofMinutes(1),
                DeployHooks.NONE,
                switches);
    }

    private static ServiceConfig service(
            HealthCheckConfig.Type health, Optional<String> network, List<String> aliases) {
        return ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
                .containerName(NAME)
                .mode(ServiceConfig.UpdateMode.AUTO)
                .network(network)
                .networkAliases(aliases)
                .health(new HealthCheckConfig(health, "/", 0, Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .stopTimeout(Duration.ofSeconds(7))
                .restartPolicy("unless-stopped")
                .strategy(ServiceConfig.Strategy.START_FIRST)
                .proxy(Optional.of(PROXY))
                .build();
    }

    /** The running V1 container behind the agent's port, as an earlier deploy left it. */
    private String oldServing() {
        String id = docker.existingManaged(NAME, "web", REPO, V1.value(), "running");
        docker.publish(id, 8080, OLD_PORT);
        port.switchTo(oldTarget(id));
        return id;
    }

    private ForwardTarget oldTarget(String id) {
        return new ForwardTarget(docker.inspectContainer(id).orElseThrow().shortId(), "127.0.0.1", OLD_PORT);
    }

    private void registryHasV2(Behaviour behaviour) {
        docker.registryHas(REPO, V2.value(), true, behaviour);
        docker.operations.clear();
        port.switches.clear();
    }

    private void assertOldUntouchedAndServing(String old) {
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName(NAME).orElseThrow().running()).isTrue();
        assertThat(docker.operations).doesNotContain("stop", "switch");
        assertThat(port.target()).contains(oldTarget(old));
    }

    @Test
    void theNewContainerGetsThePortOnceHealthyThenTheOldOneDrainsAndGoes() {
        ForwardTarget old = oldTarget(oldServing());
        registryHasV2(Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.operations)
                .containsSubsequence("create", "start", "switch", "drain", "stop", "remove", "rename");
        ContainerInfo fresh = docker.byName(NAME).orElseThrow();
        assertThat(docker.specOf(NAME).orElseThrow().ports())
                .as("published on an ephemeral loopback port")
                .containsExactly(new PortBinding("127.0.0.1", 0, 8080, "tcp"));
        assertThat(port.target())
                .contains(new ForwardTarget(
                        fresh.shortId(), "127.0.0.1", fresh.publishedPorts().get(8080)));
        assertThat(port.drained).containsExactly(old);
        assertThat(port.drainTimeouts).containsExactly(Duration.ofSeconds(12));
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(deployer.observe(web).runs(V2)).isTrue();
    }

    @Test
    void anUnhealthyBuildNeverGetsThePortAndTheOldOneServesOn() {
        String old = oldServing();
        registryHasV2(Behaviour.UNHEALTHY);

        DeployResult result =
                deployer.deploy(service(HealthCheckConfig.Type.DOCKER, Optional.empty(), List.of()), V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("health (");
        assertOldUntouchedAndServing(old);
    }

    @Test
    void aFailedCreateOrStartLeavesTheOldOneServing() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.failOn("start");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason()).startsWith("start failed");
        assertOldUntouchedAndServing(old);
    }

    @Test
    void aNewContainerWithoutItsPublishedPortIsDialledOnItsNetworkAddress() {
        oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.publishNothing = true; // an engine that dropped the port binding

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        ContainerInfo fresh = docker.byName(NAME).orElseThrow();
        assertThat(port.target()).contains(new ForwardTarget(fresh.shortId(), "172.17.0.99", 8080));
    }

    @Test
    void aNewContainerWithNeitherAPublishedPortNorAnAddressIsDiscardedBeforeTheSwitch() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);
        docker.publishNothing = true;
        docker.addressNothing = true;

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .startsWith("switch 0.0.0.0:8080 to the new container failed: the new container "
                        + "publishes no host port for 8080 and has no network address");
        assertOldUntouchedAndServing(old);
    }

    @Test
    void withoutAForwarderForTheServiceNothingIsTouched() {
        String old = oldServing();
        registryHasV2(Behaviour.HEALTHY);

        DeployResult result = deployer(TrafficSwitches.NONE).deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason())
                .isEqualTo("settings failed: the agent does not listen on 0.0.0.0:8080 for this service");
        assertThat(docker.operations).doesNotContain("create");
        assertOldUntouchedAndServing(old);
    }

    @Test
    void connectionsStillOpenAfterTheDrainDoNotStopTheDeploy() {
        oldServing();
        registryHasV2(Behaviour.HEALTHY);
        port.stillOpenAfterDrain = 2;

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.operations).containsSubsequence("switch", "drain", "stop", "remove");
    }

    @Test
    void aFirstDeploySwitchesWithoutDraining() {
        registryHasV2(Behaviour.HEALTHY);

        assertThat(deployer.deploy(web, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(port.switches).hasSize(1);
        assertThat(docker.operations).doesNotContain("drain");
    }

    @Test
    void withAliasesTooBothAreSwitchedAndTheOldOneLeavesTheNetworkOnlyAfterTheDrain() {
        ServiceConfig both = service(HealthCheckConfig.Type.NONE, Optional.of(NET), List.of("web"));
        String old = oldServing();
        docker.connectNetwork(old, NET, List.of("web"));
        registryHasV2(Behaviour.HEALTHY);

        DeployResult result = deployer.deploy(both, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.operations)
                .containsSubsequence(
                        "create",
                        "start",
                        "disconnect",
                        "connect",
                        "switch",
                        "drain",
                        "disconnect",
                        "stop",
                        "remove",
                        "rename");
        assertThat(docker.aliasesOf(NAME, NET)).contains(List.of("web"));
    }

    @Test
    void aFailedAliasSwitchLeavesThePortOnTheOldContainer() {
        ServiceConfig both = service(HealthCheckConfig.Type.NONE, Optional.of(NET), List.of("web"));
        String old = oldServing();
        docker.connectNetwork(old, NET, List.of("web"));
        registryHasV2(Behaviour.HEALTHY);
        docker.failOn("connect");

        DeployResult result = deployer.deploy(both, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertOldUntouchedAndServing(old);
    }

    @Test
    void atStartUpThePortIsPointedAtTheRunningContainer() {
        String id = docker.existingManaged(NAME, "web", REPO, V1.value(), "running");
        docker.publish(id, 8080, OLD_PORT);

        deployer.pointProxies(List.of(web));

        assertThat(port.target()).contains(oldTarget(id));
    }

    @Test
    void anAdoptedContainerPublishingNothingIsReachedByItsAddress() {
        String id = docker.existing(NAME, REPO, V1.value(), Map.of(), true);

        deployer.pointProxies(List.of(web));

        ContainerInfo adopted = docker.byName(NAME).orElseThrow();
        assertThat(port.target()).contains(new ForwardTarget(adopted.shortId(), "172.17.0.99", 8080));
        assertThat(id).isEqualTo(adopted.id());
    }

    @Test
    void withNothingRunningThePortHasNoTarget() {
        docker.existingManaged(NAME, "web", REPO, V1.value(), "exited");

        deployer.pointProxies(List.of(web));

        assertThat(port.target()).isEmpty();
    }

    @Test
    void afterACrashPastTheSwitchThePortServesFromTheNewContainerAndRecoveryFinishesIt() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.publish(fresh, 8080, 49999);

        deployer.pointProxies(List.of(web));
        assertThat(port.target()).map(ForwardTarget::port).contains(49999);

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .startsWith("web: finished interrupted start-first deploy");
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(fresh);
        assertThat(port.target()).map(ForwardTarget::port).contains(49999);
    }

    @Test
    void recoveryFinishesTheSwitchWhenTheCrashCameWhileTheOldOneWasStopping() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String old = docker.existingManaged(NAME, "web", REPO, V1.value(), "exited");
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.publish(fresh, 8080, 49998);

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .contains("removed the stopped old container");
        assertThat(docker.inspectContainer(old)).isEmpty();
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(fresh);
        assertThat(port.target()).map(ForwardTarget::port).contains(49998);
    }

    @Test
    void aCrashBeforeTheSwitchKeepsTheOldOneAndThePortOnIt() {
        ForwardTarget old = oldTarget(oldServing());
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        docker.existingManaged(NEW, "web", REPO, V2.value(), "running");

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .startsWith("web: removed " + NEW);
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(port.target()).contains(old);
    }

    @Test
    void eachPollFollowsAPortThatDockerGaveAnewOnARestart() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        deployer.deploy(web, V2, REGISTRY);
        int first = port.target().orElseThrow().port();
        String id = docker.byName(NAME).orElseThrow().id();
        docker.stop(id, Duration.ZERO);
        docker.start(id); // as the restart policy would: a new ephemeral port

        deployer.observe(web);

        assertThat(port.target().orElseThrow().port())
                .isNotEqualTo(first)
                .isEqualTo(docker.byName(NAME).orElseThrow().publishedPorts().get(8080));
    }

    @Test
    void aRestartAfterADependencyUpdateRepointsThePort() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        deployer.deploy(web, V2, REGISTRY);
        int first = port.target().orElseThrow().port();

        assertThat(deployer.restart(web)).isTrue();

        assertThat(port.target().orElseThrow().port()).isNotEqualTo(first);
    }

    @Test
    void behindThePortAnImageWithoutHealthcheckIsProbedOnItsPortNotJustRunning() {
        HealthGate gate = new DefaultHealthGates(docker, clock, clock.sleeper())
                .gateFor(
                        service(HealthCheckConfig.Type.AUTO, Optional.empty(), List.of()),
                        new ImageInfo("sha256:1", List.of(), List.of(), false));

        assertThat(gate.describe()).isEqualTo("tcp:8080");
    }
}
