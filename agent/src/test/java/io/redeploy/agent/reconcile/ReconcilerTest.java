package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.registry.RegistryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final Digest D3 = Digest.parse("sha256:" + "3".repeat(64));

    @TempDir
    Path stateDir;

    private Fixture f;

    @BeforeEach
    void fixture() {
        f = new Fixture(stateDir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void anUnchangedServiceIsNeitherPulledNorRestarted() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.registry.put("web", D1);

        f.reconciler(web).run(Optional.empty());

        assertThat(f.target.calls).containsExactly("inspect web");
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).isEqualTo("unchanged");
        assertThat(f.state.get("web").runningDigest()).contains(D1.value());
    }

    @Test
    void aNewDigestIsDeployedAndRecorded() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.registry.put("web", D2);

        Reconciler.Report report = f.reconciler(web).run(Optional.empty());

        assertThat(report.deploys()).extracting(DeployResult::outcome).containsExactly(Outcome.DEPLOYED);
        assertThat(f.state.get("web").lastDeploy().orElseThrow().to()).isEqualTo(D2.value());
        assertThat(f.state.get("web").runningDigest()).contains(D2.value());
    }

    @Test
    void dockerDownSkipsThePollWithoutAskingTheRegistry() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.dockerDown = true;
        f.registry.put("web", D2);

        Reconciler.Report report = f.reconciler(web).run(Optional.empty());

        assertThat(report.deploys()).isEmpty();
        assertThat(f.registryCalls).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).startsWith("error: docker unavailable");
    }

    @Test
    void oneFailingRegistryLookupDoesNotStopTheOthers() {
        ServiceConfig api = Fixture.service("api", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("api", D1);
        f.target.running.put("web", D1);
        f.registry.put("api", new RegistryException("tag not found: api", false, null));
        f.registry.put("web", D2);

        Reconciler.Report report = f.reconciler(api, web).run(Optional.empty());

        assertThat(report.registryErrors()).isEqualTo(1);
        assertThat(report.deploys()).extracting(DeployResult::service).containsExactly("web");
        assertThat(f.state.get("api").lastCheck().orElseThrow().result()).isEqualTo("error: tag not found: api");
    }

    @Test
    void aRolledBackDigestIsNotRetriedButANewerOneIs() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.target.outcomes.put(D2, Outcome.ROLLED_BACK);
        f.registry.put("web", D2);
        Reconciler cycle = f.reconciler(web);

        cycle.run(Optional.empty());
        cycle.run(Optional.empty());
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
        assertThat(f.state.get("web").failedDigests()).containsExactly(D2.value());

        f.registry.put("web", D3);
        cycle.run(Optional.empty());
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm(), "deploy web " + D3.shortForm());
    }

    @Test
    void aPullThatBrokeOffIsRetriedNextPoll() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.target.outcomes.put(D2, Outcome.FAILED);
        f.registry.put("web", D2);
        Reconciler cycle = f.reconciler(web);

        cycle.run(Optional.empty());
        f.target.outcomes.remove(D2);
        cycle.run(Optional.empty());

        assertThat(f.target.deploys()).hasSize(2);
        assertThat(f.state.get("web").failedDigests()).isEmpty();
        assertThat(f.state.get("web").runningDigest()).contains(D2.value());
    }

    /** web runs D1, the registry has D2, and the first poll's deploy of D2 loses the Docker engine half-way. */
    private Reconciler pollWhoseDeployLosesTheEngine() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.target.outcomes.put(D2, Outcome.ROLLED_BACK);
        f.target.engineLostOn.add(D2);
        f.registry.put("web", D2);
        Reconciler cycle = f.reconciler(web);
        cycle.run(Optional.empty());
        return cycle;
    }

    @Test
    void aDeployTheDockerEngineCutShortIsNotHeldAgainstTheBuild() {
        pollWhoseDeployLosesTheEngine();

        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("rolled_back");
        assertThat(f.state.get("web").failedDigests()).isEmpty();
    }

    @Test
    void aRecoveryThatFinishedTheInterruptedDeployIsRecordedAsDeployedBeforeThePollLooks() {
        Reconciler cycle = pollWhoseDeployLosesTheEngine();

        // The engine is back: recovery found the new container healthy and kept it.
        f.target.running.put("web", D2);
        f.target.recoveries.add(
                new Recovery("web", Recovery.Kind.FINISHED, "finished interrupted deploy", Optional.of(D2.value())));
        cycle.run(Optional.empty());

        assertThat(f.target.calls).containsSubsequence("recover", "inspect web");
        assertThat(f.target.deploys()).hasSize(1);
        var last = f.state.get("web").lastDeploy().orElseThrow();
        assertThat(last.outcome()).isEqualTo("deployed");
        assertThat(last.to()).isEqualTo(D2.value());
        assertThat(last.reason()).startsWith("finished once the Docker engine answered again");
        assertThat(f.state.get("web").runningDigest()).contains(D2.value());
        assertThat(f.state.get("web").failedDigests()).isEmpty();
        assertThat(f.state.get("web").history()).hasSize(2);
    }

    @Test
    void aRecoveryThatRolledBackLeavesTheRecordAndTheNextPollDeploysTheBuildAgain() {
        Reconciler cycle = pollWhoseDeployLosesTheEngine();

        f.target.outcomes.remove(D2);
        f.target.engineLostOn.clear();
        f.target.recoveries.add(
                new Recovery("web", Recovery.Kind.ROLLED_BACK, "rolled back to the old container", Optional.empty()));
        cycle.run(Optional.empty());

        assertThat(f.target.deploys()).hasSize(2);
        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
        assertThat(f.state.get("web").history())
                .extracting(r -> r.outcome())
                .containsExactly("rolled_back", "deployed");
    }

    @Test
    void monitorModeReportsButNeverDeploys() {
        ServiceConfig web = Fixture.service("web", UpdateMode.MONITOR, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.registry.put("web", D2);

        f.reconciler(web).run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(f.state.get("web").registryDigest()).contains(D2.value());
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).startsWith("new-digest");
    }

    @Test
    void aDependentWaitsWhenItsDependencyFailedInTheSamePoll() {
        ServiceConfig db = Fixture.service("db", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of("db"), false, UpdatePolicy.defaults());
        f.target.running.put("db", D1);
        f.target.running.put("web", D1);
        f.registry.put("db", D2);
        f.registry.put("web", D3);
        f.target.outcomes.put(D2, Outcome.ROLLED_BACK);

        f.reconciler(db, web).run(Optional.empty());

        assertThat(f.target.deploys()).containsExactly("deploy db " + D2.shortForm());
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).contains("postponed");
    }

    @Test
    void dependentsAreRestartedAfterTheirDependencyWasRecreatedWhenConfiguredSo() {
        ServiceConfig db = Fixture.service("db", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of("db"), true, UpdatePolicy.defaults());
        ServiceConfig worker =
                Fixture.service("worker", UpdateMode.AUTO, List.of("db"), false, UpdatePolicy.defaults());
        f.target.running.put("db", D1);
        f.target.running.put("web", D1);
        f.target.running.put("worker", D1);
        f.registry.put("db", D2);
        f.registry.put("web", D1);
        f.registry.put("worker", D1);

        Reconciler.Report report = f.reconciler(db, web, worker).run(Optional.empty());

        assertThat(report.restarted()).containsExactly("web");
        assertThat(f.target.calls).containsSubsequence("deploy db " + D2.shortForm(), "restart web");
    }

    @Test
    void aDependencyDeployThatRecoveryFinishedRestartsItsDependentsBeforeTheFirstPoll() {
        ServiceConfig db = Fixture.service("db", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of("db"), true, UpdatePolicy.defaults());
        f.target.startRecoveries.add(
                Recovery.finished("db", "finished the interrupted deploy", Optional.of(D2.value())));
        f.target.startRecoveries.add(Recovery.of("web", Recovery.Kind.FINISHED, "judged web after a restart"));

        f.reconciler(db, web).recoverAtStart();

        assertThat(f.target.calls).containsExactly("restart due web", "restart web");
    }

    @Test
    void everyDueRestartIsJournaledBeforeTheFirstBegins() {
        ServiceConfig db = Fixture.service("db", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of("db"), true, UpdatePolicy.defaults());
        ServiceConfig api = Fixture.service("api", UpdateMode.AUTO, List.of("db"), true, UpdatePolicy.defaults());
        for (String name : List.of("db", "web", "api")) {
            f.target.running.put(name, D1);
            f.registry.put(name, name.equals("db") ? D2 : D1);
        }

        f.reconciler(db, web, api).run(Optional.empty());

        // A kill during web's restart must not lose api's: both are due before either begins.
        assertThat(f.target.calls)
                .containsSubsequence("restart due web", "restart due api", "restart web", "restart api");
    }

    @Test
    void afterAStopRequestNoNewDeployStarts() {
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        f.target.running.put("web", D1);
        f.registry.put("web", D2);
        Reconciler cycle = f.reconciler(web);

        cycle.requestStop();
        cycle.run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).contains("deferred");
    }

    @Test
    void aTriggerForOneServiceChecksOnlyThatService() {
        ServiceConfig db = Fixture.service("db", UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
        ServiceConfig web = Fixture.service("web", UpdateMode.AUTO, List.of("db"), false, UpdatePolicy.defaults());
        f.target.running.put("db", D1);
        f.target.running.put("web", D1);
        f.registry.put("db", D2);
        f.registry.put("web", D2);

        f.reconciler(db, web).run(Optional.of("web"));

        assertThat(f.registryCalls).containsExactly("web");
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
    }

    @Test
    void theAuditHistoryRecordsDeploysFailuresAndRecoveries() {
        ServiceConfig web = Fixture.service("web");
        f.target.running.put("web", D1);
        f.target.startRecoveries.add(new Recovery(
                "web", Recovery.Kind.FINISHED, "finished the interrupted deploy", Optional.of(D2.value())));
        f.registry.put("web", D3);
        f.target.outcomes.put(D3, Outcome.ROLLED_BACK);
        Reconciler reconciler = f.reconciler(web);

        reconciler.recoverAtStart();
        reconciler.run(Optional.empty());

        assertThat(f.audit
                        .read(Optional.of("web"), Optional.empty(), Optional.empty(), 10)
                        .records())
                .extracting(r -> r.kind() + " " + r.outcome() + " " + r.to().substring(0, 8) + " " + r.by())
                .containsExactly("deploy rolled_back sha256:3 agent", "recovery deployed sha256:2 agent");
    }
}
