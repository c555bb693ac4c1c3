package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Docker daemon stopped (or restarted) in the middle of a deploy: nothing can be finished or undone while it is
 * away, so the deploy says so ({@link DeployResult#engineLost()}), the service awaits recovery, and
 * {@link ContainerTarget#recoverInterrupted()} makes it whole with the crash-recovery rules once the daemon answers again.
 */
class EngineLostMidDeployTest {
    private static final String ASIDE = ContainerNames.aside("acme-web");
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget deployer =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    private final ServiceConfig web = Services.web();

    private String oldRunningV1() {
        String id = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        return id;
    }

    private void assertOnly(String name, boolean running, String imageReference) {
        assertThat(docker.all()).hasSize(1);
        ContainerInfo c = docker.byName(name).orElseThrow();
        assertThat(c.running()).isEqualTo(running);
        assertThat(c.image()).isEqualTo(imageReference);
    }

    @Test
    void goneDuringTheHealthWait_theDeployIsNotJudgedAndRecoveryFinishesItOnceTheEngineIsBack() {
        oldRunningV1();
        docker.engineGoneAfter("start");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.engineLost()).isTrue();
        assertThat(result.worthRetrying()).as("the build was never judged").isTrue();
        assertThat(result.reason()).contains("rollback incomplete");
        assertThat(deployer.awaitingRecovery()).isTrue();

        assertThat(deployer.recoverInterrupted())
                .as("nothing can be done while the engine is away")
                .isEmpty();
        assertThat(deployer.awaitingRecovery()).isTrue();

        // Back: the new container came back under the name (restart policy), the old one stays stopped aside.
        docker.engineBack();
        assertThat(docker.byName(ASIDE).orElseThrow().running()).isFalse();
        assertThat(deployer.recoverInterrupted()).singleElement().satisfies(recovery -> {
            assertThat(recovery.kind()).isEqualTo(Kind.FINISHED);
            assertThat(recovery.service()).isEqualTo("web");
            assertThat(recovery.digest()).contains(V2.value());
            assertThat(recovery.action()).contains("finished interrupted deploy");
        });
        assertOnly("acme-web", true, REPO + "@" + V2.value());
        assertThat(deployer.awaitingRecovery()).isFalse();
        assertThat(deployer.recoverInterrupted()).isEmpty();
    }

    @Test
    void goneRightAfterTheOldContainerWasSetAside_recoveryPutsItBackUnderItsName() {
        String old = oldRunningV1();
        docker.engineGoneAt("create"); // renamed aside and stopped; the create never reached the engine

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.engineLost()).isTrue();
        assertThat(docker.byName("acme-web"))
                .as("the service is down until the engine is back")
                .isEmpty();

        docker.engineBack();
        // Undone, not rolled back: the new build never ran, so it was never judged and the next poll tries it again.
        assertThat(deployer.recoverInterrupted())
                .singleElement()
                .satisfies(recovery -> assertThat(recovery.kind()).isEqualTo(Kind.UNDONE));
        assertOnly("acme-web", true, REPO + "@" + V1.value());
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(deployer.awaitingRecovery()).isFalse();
    }

    @Test
    void goneDuringTheStopOfTheOldContainer_recoveryStartsItAgain() {
        String old = oldRunningV1();
        docker.engineGoneAt("stop");

        assertThat(deployer.deploy(web, V2, REGISTRY).engineLost()).isTrue();

        docker.engineBack();
        assertThat(deployer.recoverInterrupted()).extracting(Recovery::kind).containsExactly(Kind.UNDONE);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void goneDuringThePull_nothingWasTouchedAndRecoveryFindsTheServiceWhole() {
        String old = oldRunningV1();
        docker.engineGoneAt("pull");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.engineLost()).isTrue();
        assertThat(result.worthRetrying()).isTrue();

        docker.engineBack();
        assertThat(deployer.recoverInterrupted()).extracting(Recovery::kind).containsExactly(Kind.NOTHING_TO_HEAL);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(docker.operations).doesNotContain("rename", "stop", "remove");
        assertThat(deployer.awaitingRecovery()).isFalse();
    }

    @Test
    void goneBeforeTheOldContainerWasRemoved_theDeployStandsAndRecoveryRemovesTheLeftover() {
        oldRunningV1();
        docker.engineGoneAt("remove");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.engineLost()).isTrue();
        assertThat(docker.byName(ASIDE)).isPresent();

        docker.engineBack();
        assertThat(deployer.recoverInterrupted()).extracting(Recovery::kind).containsExactly(Kind.FINISHED);
        assertOnly("acme-web", true, REPO + "@" + V2.value());
    }

    @Test
    void aServiceStaysPendingWhileItsRecoveryIsCutShortAgain() {
        String old = oldRunningV1();
        docker.engineGoneAt("create");
        deployer.deploy(web, V2, REGISTRY);

        docker.engineBack();
        docker.engineGoneAt("rename"); // the daemon goes away again in the middle of the recovery
        assertThat(deployer.recoverInterrupted()).isEmpty();
        assertThat(deployer.awaitingRecovery()).isTrue();

        docker.engineBack();
        assertThat(deployer.recoverInterrupted()).extracting(Recovery::kind).containsExactly(Kind.UNDONE);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(deployer.awaitingRecovery()).isFalse();
    }

    @Test
    void anErrorTheEngineAnsweredWithIsAnOrdinaryRollback() {
        oldRunningV1();
        docker.failOn("create");

        DeployResult result = deployer.deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.engineLost()).isFalse();
        assertThat(result.worthRetrying()).isFalse();
        assertThat(deployer.awaitingRecovery()).isFalse();
    }

    @Test
    void aLaterSuccessfulDeployEndsTheWait() {
        oldRunningV1();
        docker.engineGoneAt("pull");
        deployer.deploy(web, V2, REGISTRY);
        docker.engineBack();

        DeployResult retried = deployer.deploy(web, V2, REGISTRY);

        assertThat(retried.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(deployer.awaitingRecovery()).isFalse();
        assertThat(deployer.recoverInterrupted()).isEmpty();
        assertThat(Optional.of(docker.byName("acme-web").orElseThrow().image())).contains(REPO + "@" + V2.value());
    }
}
