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
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import io.redeploy.agent.state.Journal;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start-first deploy killed while the old container still serves (found by the kill loop): the new build was not
 * judged, so recovery undoes the deploy and the next poll tries the build again; only a new container that died
 * on its own judges the build (rolled back, remembered as failed).
 */
class StartFirstJournalRecoveryTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");
    private static final String NAME = "acme-web";
    private static final String NET = "survey";

    @TempDir
    Path stateDir;

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ServiceConfig web = ServiceConfig.builder("web", ImageRef.parse(REPO, "main"))
            .containerName(NAME)
            .mode(ServiceConfig.UpdateMode.AUTO)
            .network(Optional.of(NET))
            .networkAliases(List.of("web"))
            .health(new HealthCheckConfig(
                    HealthCheckConfig.Type.AUTO, "/", 0, Duration.ofSeconds(5), Duration.ofSeconds(1)))
            .stopTimeout(Duration.ofSeconds(7))
            .restartPolicy("unless-stopped")
            .strategy(ServiceConfig.Strategy.START_FIRST)
            .build();

    private ContainerTarget agent() {
        return new ContainerTarget(
                docker,
                new DefaultHealthGates(docker, clock, clock.sleeper()),
                clock,
                ContainerTarget.DEFAULT_PULL_TIMEOUT,
                DeployHooks.NONE,
                TrafficSwitches.NONE,
                Optional.of(Journal.open(stateDir.resolve("journal"))),
                Redactor.none());
    }

    private String oldServing() {
        String id = docker.existingManaged(NAME, "web", REPO, V1.value(), "running");
        docker.connectNetwork(id, NET, List.of("web"));
        return id;
    }

    /** The first agent runs the deploy until the engine call {@code step}, which never returns: a kill -9 there. */
    private Recovery killedAtThenRecovered(String step) {
        docker.engineGoneAt(step);
        agent().deploy(web, V2, REGISTRY);
        docker.engineBack();
        docker.operations.clear();
        return agent().recover(List.of(web)).get(0);
    }

    private void assertOldServesAlone(String old) {
        assertThat(docker.all()).extracting(ContainerInfo::name).containsExactly(NAME);
        assertThat(docker.byName(NAME).orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName(NAME).orElseThrow().running()).isTrue();
    }

    @Test
    void killedBetweenCreateAndStart_theDeployIsUndoneNotJudged() {
        String old = oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);

        Recovery recovery = killedAtThenRecovered("start");

        assertThat(recovery.kind()).isEqualTo(Kind.UNDONE);
        assertThat(recovery.digest()).contains(V2.value());
        assertThat(recovery.action()).contains("left created").contains("the next poll deploys it again");
        assertOldServesAlone(old);
    }

    @Test
    void killedAtTheSwitchOfAHealthyBuild_theDeployIsUndoneNotJudged() {
        String old = oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);

        Recovery recovery = killedAtThenRecovered("disconnect");

        assertThat(recovery.kind()).isEqualTo(Kind.UNDONE);
        assertThat(recovery.action()).contains("left running");
        assertOldServesAlone(old);
    }

    @Test
    void aNewContainerThatDiedJudgesTheBuild() {
        String old = oldServing();
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        killedAtThenRecoveredAfterTheNewOneExited();

        Recovery recovery = agent().recover(List.of(web)).get(0);

        assertThat(recovery.kind()).isEqualTo(Kind.ROLLED_BACK);
        assertThat(recovery.digest()).contains(V2.value());
        assertOldServesAlone(old);
    }

    private void killedAtThenRecoveredAfterTheNewOneExited() {
        docker.engineGoneAt("disconnect");
        agent().deploy(web, V2, REGISTRY);
        docker.engineBack();
        String fresh =
                docker.byName(ContainerNames.starting(NAME)).orElseThrow().id();
        docker.stop(fresh, Duration.ZERO);
        docker.operations.clear();
    }
}
