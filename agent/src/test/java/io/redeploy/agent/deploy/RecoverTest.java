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
import io.redeploy.agent.reconcile.DeployResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The states a deploy killed halfway leaves behind, and how start-up heals each. */
class RecoverTest {
    private static final String ASIDE = ContainerNames.aside("acme-web");
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget deployer =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    private final ServiceConfig web = Services.web();

    /** The old container as a crashed deploy leaves it: stopped and renamed aside. */
    private String oldAside() {
        String id = docker.existingManaged("acme-web", "web", REPO, V1.value(), "exited");
        docker.rename(id, ASIDE);
        return id;
    }

    private String newContainer(Behaviour behaviour, boolean healthcheck, String status) {
        docker.registryHas(REPO, V2.value(), healthcheck, behaviour);
        String id = docker.existingManaged("acme-web", "web", REPO, V2.value(), status);
        docker.operations.clear();
        return id;
    }

    private void assertOnly(String id, boolean running) {
        assertThat(docker.all()).hasSize(1);
        ContainerInfo c = docker.byName("acme-web").orElseThrow();
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.running()).isEqualTo(running);
    }

    @Test
    void nothingToDoWhenTheStackIsWhole() {
        docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.operations.clear();

        assertThat(RecoveryLines.of(deployer.recover(List.of(web)))).isEmpty();
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void crashBeforeCreatePutsTheOldContainerBack() {
        String old = oldAside();

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().startsWith("web: rolled back to the old container");
        assertOnly(old, true);
    }

    @Test
    void crashDuringTheStopOfTheOldContainerPutsItBackRunning() {
        // Renamed aside first, then the agent died while the engine was still stopping it.
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.rename(old, ASIDE);

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().startsWith("web: rolled back to the old container");
        assertOnly(old, true);
    }

    @Test
    void crashDuringHealthWithAHealthyNewContainerFinishesTheDeploy() {
        oldAside();
        String fresh = newContainer(Behaviour.HEALTHY, true, "running");

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("finished interrupted deploy of " + V2.value());
        assertOnly(fresh, true);
    }

    @Test
    void crashBetweenCreateAndStartRollsBack() {
        String old = oldAside();
        newContainer(Behaviour.HEALTHY, false, "created");

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("rolled back").contains("created");
        assertOnly(old, true);
    }

    @Test
    void crashDuringHealthWithAnUnhealthyNewContainerRollsBack() {
        String old = oldAside();
        newContainer(Behaviour.UNHEALTHY, true, "running");

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("rolled back").contains("unhealthy");
        assertOnly(old, true);
    }

    @Test
    void aNewContainerThatExitedIsRolledBack() {
        String old = oldAside();
        newContainer(Behaviour.HEALTHY, false, "exited");

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .contains("exited");
        assertOnly(old, true);
    }

    @Test
    void aForeignContainerUnderTheNameIsLeftAlone() {
        oldAside();
        String foreign = docker.existing("acme-web", REPO, V2.value(), Map.of(), true);
        docker.operations.clear();

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("not created by the agent");
        assertThat(docker.operations).isEmpty();
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(foreign);
        assertThat(docker.byName(ASIDE)).isPresent();
    }

    @Test
    void aForeignStoppedContainerUnderTheAsideNameIsNotStartedWhenTheNameIsFree() {
        // Issue 16 item 6: someone parks a container as acme-web.redeploy-old; with acme-web missing, recovery must
        // not rename and start it as the service.
        String foreign = docker.existing(ASIDE, "example/other", V1.value(), Map.of(), false);
        docker.operations.clear();

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("not created by the agent", "docker rename");
        assertThat(docker.operations).isEmpty();
        assertThat(docker.byName(ASIDE).orElseThrow().id()).isEqualTo(foreign);
        assertThat(docker.byName("acme-web")).isEmpty();
    }

    @Test
    void aForeignContainerUnderTheAsideNameIsLeftAloneWhileTheAgentsContainerRuns() {
        String foreign = docker.existing(ASIDE, "example/other", V1.value(), Map.of(), true);
        String current = newContainer(Behaviour.HEALTHY, false, "running");

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web)));

        assertThat(actions).singleElement().asString().contains("not created by the agent");
        assertThat(docker.operations).isEmpty();
        assertThat(docker.byName(ASIDE).orElseThrow().id()).isEqualTo(foreign);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(current);
    }

    @Test
    void aDeployRefusesToStartWhileAForeignContainerHoldsTheAsideName() {
        String foreign = docker.existing(ASIDE, "example/other", V1.value(), Map.of(), true);
        String current = newContainer(Behaviour.HEALTHY, false, "running");

        DeployResult result = deployer.deploy(web, Services.digest('3'), REGISTRY);

        assertThat(result.outcome()).isEqualTo(DeployResult.Outcome.FAILED);
        assertThat(result.reason()).contains(ASIDE);
        assertThat(docker.byName(ASIDE).orElseThrow().id()).isEqualTo(foreign);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(current);
    }

    @Test
    void anInterruptedFirstDeployIsStarted() {
        String fresh = newContainer(Behaviour.HEALTHY, false, "created");

        assertThat(RecoveryLines.of(deployer.recover(List.of(web))))
                .singleElement()
                .asString()
                .contains("started container acme-web");
        assertOnly(fresh, true);
    }

    @Test
    void engineFailuresAreReportedPerServiceAndDoNotStopTheOthers() {
        oldAside();
        docker.failOn("rename");
        ServiceConfig api = Services.service("api", "acme-api", HealthCheckConfig.defaults());
        String apiOld = docker.existingManaged("acme-api", "api", REPO, V1.value(), "exited");
        docker.heal("rename");
        docker.rename(apiOld, ContainerNames.aside("acme-api"));
        docker.failOn("rename");

        List<String> actions = RecoveryLines.of(deployer.recover(List.of(web, api)));

        assertThat(actions).hasSize(2).allSatisfy(a -> assertThat(a).contains("rollback incomplete"));
    }
}
