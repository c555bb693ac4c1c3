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
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import io.redeploy.agent.state.Journal;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy killed at a step (the engine call the agent was about to make never returns), then a new agent process
 * (a new target on the same journal) heals the service from the journal: by container id, judging the build.
 */
class JournalRecoveryTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    @TempDir
    Path stateDir;

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ServiceConfig web = Services.web();

    private ContainerTarget agent(boolean withJournal) {
        return new ContainerTarget(
                docker,
                new DefaultHealthGates(docker, clock, clock.sleeper()),
                clock,
                ContainerTarget.DEFAULT_PULL_TIMEOUT,
                DeployHooks.NONE,
                TrafficSwitches.NONE,
                withJournal ? Optional.of(Journal.open(stateDir.resolve("journal"))) : Optional.empty(),
                Redactor.none());
    }

    /** The first agent runs the deploy until the engine call {@code step}, which never returns: a kill -9 there. */
    private void killedAt(String step) {
        docker.engineGoneAt(step);
        agent(true).deploy(web, V2, REGISTRY);
        docker.engineBack();
        docker.operations.clear();
    }

    private Recovery restartAndRecover(boolean withJournal) {
        return agent(withJournal).recover(List.of(web)).get(0);
    }

    @Test
    void anAdoptedContainerKilledDuringItsFirstDeployIsFinishedNotLeftForAHuman() throws Exception {
        String adopted =
                docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start"); // the adopted container is set aside and stopped, the new one only created

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.FINISHED);
        assertThat(recovery.digest()).contains(V2.value());
        assertThat(recovery.from()).contains(V1.value());
        ContainerInfo serving = docker.byName("acme-web").orElseThrow();
        assertThat(serving.running()).isTrue();
        assertThat(serving.labels()).containsEntry("redeploy-agent.digest", V2.value());
        assertThat(docker.all()).extracting(ContainerInfo::id).doesNotContain(adopted);
        assertThat(Files.list(stateDir.resolve("journal")).toList())
                .as("the entry is closed")
                .isEmpty();
    }

    @Test
    void withoutTheJournalTheSameStateIsOnlyReported() {
        docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start");

        assertThat(restartAndRecover(false).kind()).isEqualTo(Kind.LEFT_AS_IS);
    }

    @Test
    void aKillBetweenCreateAndStartOfAHealthyBuildFinishesTheDeployInsteadOfRollingBack() {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start");

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.FINISHED);
        assertThat(docker.operations).doesNotContain("rename").contains("start", "remove");
        assertThat(docker.all()).extracting(ContainerInfo::id).doesNotContain(old);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void anUnhealthyBuildFoundByRecoveryIsRolledBackAsJudged() {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), true, Behaviour.UNHEALTHY);
        killedAt("start");

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.ROLLED_BACK);
        assertThat(recovery.digest()).contains(V2.value());
        ContainerInfo serving = docker.byName("acme-web").orElseThrow();
        assertThat(serving.id()).isEqualTo(old);
        assertThat(serving.running()).isTrue();
        assertThat(docker.all()).hasSize(1);
    }

    @Test
    void aKillRightAfterTheOldContainerWasSetAsidePutsItBackUndone() {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("create");

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind())
                .as("the build never ran: tried again, not held against it")
                .isEqualTo(Kind.UNDONE);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void aKillBeforeTheFirstEngineCallLeavesNothingToHeal() {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("rename");

        assertThat(agent(true).recover(List.of(web)))
                .as("journaled, but the old container was never moved: nothing to report")
                .isEmpty();
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
    }

    @Test
    void aTornJournalEntryIsIgnoredAndTheServiceJudgedByItsNames() throws Exception {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start");
        Path entry = stateDir.resolve("journal/web.json");
        String content = Files.readString(entry);
        Files.writeString(entry, content.substring(0, content.length() / 2)); // a write cut off half-way

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind())
                .as("judged by names: a new container that never started is removed, the old one put back")
                .isEqualTo(Kind.UNDONE);
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
    }

    @Test
    void aKillDuringADependentRestartNeverLeavesItStopped() {
        String api = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.engineGoneAt("start"); // the restart stopped it, then the agent died before the start
        agent(true).restart(web);
        docker.engineBack();
        assertThat(docker.byName("acme-web").orElseThrow().running()).isFalse();

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.action()).startsWith("started acme-web");
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void aDependentKilledDuringItsGateIsJudgedNotTakenForHealthyBecauseItRuns() {
        docker.registryHas(REPO, V1.value(), true, Behaviour.UNHEALTHY);
        docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.engineGoneAfter("start"); // restarted, then the agent died while its gate waited
        agent(true).restart(web);
        docker.engineBack();

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.INCOMPLETE);
        assertThat(recovery.action())
                .startsWith("judged acme-web after an interrupted restart")
                .contains("it is not healthy");
    }

    @Test
    void aHealthyDependentKilledDuringItsGateFinishesTheRestart() {
        docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.engineGoneAfter("start");
        agent(true).restart(web);
        docker.engineBack();

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.FINISHED);
        assertThat(recovery.action()).isEqualTo("judged acme-web after an interrupted restart");
    }

    @Test
    void aKillDuringARollbackAfterTheFailedContainerWasRemovedRecordsTheBuildAsJudged() throws Exception {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start");
        // What a rollback killed after its first step leaves: the entry at ROLL_BACK, the failed container removed.
        Path entry = stateDir.resolve("journal/web.json");
        String line = Files.readString(entry).split("\n")[0].replace("\"START_NEW\"", "\"ROLL_BACK\"");
        String sum = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(entry, line + "\nsha256:" + sum + "\n"); // a valid entry, as the rollback wrote it
        docker.remove(docker.byName("acme-web").orElseThrow().id());

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind())
                .as("the build was found unhealthy before the kill: the next poll must not deploy it again")
                .isEqualTo(Kind.ROLLED_BACK);
        assertThat(recovery.action()).startsWith("finished the interrupted rollback");
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(old);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void aRestartDueWhenTheAgentWasKilledIsDoneByRecovery() {
        String api = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        agent(true).restartDue(web); // its dependency was recreated; the kill came before this restart's turn
        docker.operations.clear();

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind()).isEqualTo(Kind.FINISHED);
        assertThat(recovery.action()).isEqualTo("restarted acme-web, due after its dependency was recreated");
        assertThat(docker.operations).contains("stop", "start");
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(api);
        assertThat(docker.byName("acme-web").orElseThrow().running()).isTrue();
    }

    @Test
    void aKillWhileTheRollbackWaitedForTheOldBuildsGateRecordsTheBuildAsJudged() throws Exception {
        String old = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        killedAt("start");
        // What a rollback killed in its last step leaves: the failed container removed, the old one back under its
        // name and running, the entry still at ROLL_BACK.
        Path entry = stateDir.resolve("journal/web.json");
        String line = Files.readString(entry).split("\n")[0].replace("\"START_NEW\"", "\"ROLL_BACK\"");
        String sum = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(entry, line + "\nsha256:" + sum + "\n");
        docker.remove(docker.byName("acme-web").orElseThrow().id());
        docker.rename(old, "acme-web");
        docker.start(old);

        Recovery recovery = restartAndRecover(true);

        assertThat(recovery.kind())
                .as("not 'nothing to heal': the build was judged, the next poll must not deploy it again")
                .isEqualTo(Kind.ROLLED_BACK);
        assertThat(recovery.action()).endsWith("acme-web serves again");
    }
}
