package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.TrafficConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.PortBinding;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitchException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code strategy: start-first} behind a reverse proxy ({@code traffic: caddy}), against the in-memory engine and a
 * switch that can refuse or be unreachable: the proxy's failures roll the deploy back with the old container serving,
 * and recovery points the proxy at the container it keeps before the other one goes.
 */
class ReverseProxyStrategyTest {
    private static final String NAME = "acme-web";
    private static final String NEW = ContainerNames.starting(NAME);
    private static final int OLD_PORT = 40001;
    private static final TrafficConfig CADDY = new TrafficConfig.Caddy(
            URI.create("http://127.0.0.1:2019"), "srv0", List.of("web.test"), 8080, Duration.ofSeconds(10));
    private static final RegistryConfig REGISTRY =
            new RegistryConfig("127.0.0.1:5000", true, Optional.empty(), Optional.empty());

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final FakeSwitch caddy = new FakeSwitch(docker.operations);
    private final ContainerTarget deployer = Targets.of(
            docker,
            new DefaultHealthGates(docker, clock, clock.sleeper()),
            clock,
            Duration.ofMinutes(1),
            DeployHooks.NONE,
            service -> service.equals("web") ? Optional.of(caddy) : Optional.empty());
    private final ServiceConfig web = ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
            .containerName(NAME)
            .mode(ServiceConfig.UpdateMode.AUTO)
            .health(new HealthCheckConfig(
                    HealthCheckConfig.Type.NONE, "/", 0, Duration.ofSeconds(5), Duration.ofSeconds(1)))
            .strategy(ServiceConfig.Strategy.START_FIRST)
            .traffic(Optional.of(CADDY))
            .build();

    private String oldServing() {
        String id = docker.existingManaged(NAME, "web", REPO, V1.value(), "running");
        docker.publish(id, 8080, OLD_PORT);
        caddy.switchTo(oldTarget(id));
        return id;
    }

    private ForwardTarget oldTarget(String id) {
        return new ForwardTarget(docker.inspectContainer(id).orElseThrow().shortId(), "127.0.0.1", OLD_PORT);
    }

    private void registryHasV2() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        docker.operations.clear();
        caddy.switches.clear();
    }

    private void assertOldServing(String old) {
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName(NAME).orElseThrow().running()).isTrue();
        assertThat(docker.operations).doesNotContain("stop");
        assertThat(caddy.target()).contains(oldTarget(old));
    }

    @Test
    void theNewContainerIsPublishedOnLoopbackSwitchedOnceHealthyAndTheOldOneDrainsForTheConfiguredTime() {
        ForwardTarget old = oldTarget(oldServing());
        registryHasV2();

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.operations)
                .containsSubsequence("create", "start", "switch", "drain", "stop", "remove", "rename");
        assertThat(docker.specOf(NAME).orElseThrow().ports())
                .containsExactly(new PortBinding("127.0.0.1", 0, 8080, "tcp"));
        ContainerInfo fresh = docker.byName(NAME).orElseThrow();
        assertThat(caddy.target())
                .contains(new ForwardTarget(
                        fresh.shortId(), "127.0.0.1", fresh.publishedPorts().get(8080)));
        assertThat(caddy.drained).containsExactly(old);
        assertThat(caddy.drainTimeouts).containsExactly(Duration.ofSeconds(10));
        assertThat(caddy.ensures)
                .as("the route is checked before the new container starts")
                .isPositive();
    }

    @Test
    void anUnreachableProxyRollsBackBeforeAnythingIsCreatedAndTheDigestIsTriedAgain() {
        String old = oldServing();
        registryHasV2();
        caddy.unreachable = new TrafficSwitchException("caddy admin http://127.0.0.1:2019: connection refused", null);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .isEqualTo("traffic switch (caddy http://127.0.0.1:2019) failed: caddy admin http://127.0.0.1:2019: "
                        + "connection refused");
        assertThat(result.worthRetrying())
                .as("the proxy is to blame, not the build")
                .isTrue();
        assertThat(docker.operations).doesNotContain("create", "switch");
        assertOldServing(old);
    }

    @Test
    void aRefusedSwitchRemovesTheHealthyNewContainerAndTheOldOneServesOn() {
        String old = oldServing();
        registryHasV2();
        caddy.refuseSwitch = new TrafficSwitchException("caddy admin: 400 loading new config: bad upstream", null);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .startsWith("traffic switch (caddy http://127.0.0.1:2019) failed: caddy admin: 400 loading new config");
        assertThat(result.worthRetrying()).isTrue();
        assertThat(docker.operations).containsSubsequence("create", "start", "switch", "remove");
        assertThat(caddy.ensures).as("pointed back at the old one").isGreaterThanOrEqualTo(2);
        assertOldServing(old);
    }

    @Test
    void aProxyThatStopsAnsweringAfterTheSwitchDoesNotUndoTheDeploy() {
        oldServing();
        registryHasV2();
        caddy.drainFailure = new TrafficSwitchException("caddy admin: connection refused", null);

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.operations).containsSubsequence("switch", "drain", "stop", "remove", "rename");
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
    }

    @Test
    void everyPollMakesSureTheProxyStillRunsTheRouteAndAnUnreachableProxyDoesNotFailThePoll() {
        oldServing();
        int before = caddy.ensures;

        deployer.observe(web);
        assertThat(caddy.ensures).isEqualTo(before + 1);

        caddy.unreachable = new TrafficSwitchException("caddy admin: connection refused", null);
        assertThat(deployer.observe(web).runs(V1)).isTrue();
        assertThat(deployer.observe(web).runs(V1)).isTrue();
    }

    @Test
    void afterACrashBetweenTheSwitchAndTheDrainRecoveryPointsTheProxyAtTheOldOneBeforeRemovingTheNewOne() {
        String old = oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.publish(fresh, 8080, 49999);
        caddy.switchTo(
                new ForwardTarget(docker.inspectContainer(fresh).orElseThrow().shortId(), "127.0.0.1", 49999));
        docker.operations.clear();

        List<Recovery> recoveries = deployer.recover(List.of(web));

        assertThat(RecoveryLines.of(recoveries)).singleElement().asString().startsWith("web: removed " + NEW);
        assertThat(docker.operations).containsSubsequence("switch", "drain", "remove");
        assertThat(caddy.drainTimeouts).containsExactly(Duration.ofSeconds(10));
        assertOldServing(old);
    }

    @Test
    void recoveryWithTheProxyDownKeepsBothContainersRunning() {
        oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.publish(fresh, 8080, 49999);
        ForwardTarget next =
                new ForwardTarget(docker.inspectContainer(fresh).orElseThrow().shortId(), "127.0.0.1", 49999);
        caddy.switchTo(next);
        caddy.unreachable = new TrafficSwitchException("caddy admin: connection refused", null);

        List<Recovery> recoveries = deployer.recover(List.of(web));

        assertThat(recoveries)
                .singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo(Recovery.Kind.INCOMPLETE));
        assertThat(RecoveryLines.of(recoveries))
                .singleElement()
                .asString()
                .isEqualTo("web: recovery failed: caddy admin: connection refused");
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactlyInAnyOrder(NAME, NEW);
        assertThat(docker.all()).allMatch(ContainerInfo::running);
        assertThat(caddy.target()).contains(next);
    }

    @Test
    void recoveryFinishingTheSwitchPointsTheProxyAtTheNewOne() {
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        String old = docker.existingManaged(NAME, "web", REPO, V1.value(), "exited");
        String fresh = docker.existingManaged(NEW, "web", REPO, V2.value(), "running");
        docker.publish(fresh, 8080, 49998);

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .contains("removed the stopped old container");
        assertThat(docker.inspectContainer(old)).isEmpty();
        assertThat(caddy.target()).map(ForwardTarget::port).contains(49998);
    }
}
