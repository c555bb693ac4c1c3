package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.registry.CredentialsRejectedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Honest health: a stopped container is down, a rejected credential backs off, recovery is recorded as deploys. */
class ReconcilerHealthTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

    @TempDir
    Path stateDir;

    private Fixture f;

    @BeforeEach
    void fixture() {
        f = new Fixture(stateDir);
        f.target.running.put("web", D1);
        f.registry.put("web", D1);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aStoppedContainerIsDownNotRunningAndIsLeftStopped() {
        f.target.stopped.put("web", "exited (exit code 0)");
        Reconciler reconciler = f.reconciler(Fixture.service("web"));

        reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());

        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .startsWith("down: the container is exited (exit code 0)");
        assertThat(reconciler.problems()).containsExactly("web is down: exited (exit code 0)");
        assertThat(f.target.calls).doesNotContain("revive web");
        assertThat(f.events).containsOnlyOnce("down web exited (exit code 0)");

        f.target.stopped.remove("web"); // started by hand
        reconciler.run(Optional.empty());

        assertThat(reconciler.problems()).isEmpty();
        assertThat(f.events).containsOnlyOnce("up web");
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).isEqualTo("unchanged");
    }

    @Test
    void aNewBuildWaitsWhileTheContainerIsDown() {
        f.target.stopped.put("web", "exited (exit code 1)");
        f.registry.put("web", D2);

        f.reconciler(Fixture.service("web")).run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
    }

    @Test
    void withReviveStoppedTheAgentStartsItAgain() {
        f.target.stopped.put("web", "exited (exit code 0)");
        ServiceConfig web =
                Fixture.service("web").toBuilder().reviveStopped(true).build();
        Reconciler reconciler = f.reconciler(web);

        reconciler.run(Optional.empty());

        assertThat(f.target.calls).contains("revive web");
        assertThat(reconciler.problems()).isEmpty();
        // Started again within the poll that found it stopped: the target logs service.revived, nothing stays down.
        assertThat(f.events).noneMatch(e -> e.startsWith("down web"));
    }

    @Test
    void withReviveStoppedANewBuildIsDeployedOntoAStoppedService() {
        f.target.stopped.put("web", "exited (exit code 0)");
        f.registry.put("web", D2);
        ServiceConfig web =
                Fixture.service("web").toBuilder().reviveStopped(true).build();

        f.reconciler(web).run(Optional.empty());

        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
    }

    @Test
    void rejectedCredentialsAreNotAskedAgainAtEveryPollButAfterADoublingWait() {
        f.registry.put("web", new CredentialsRejectedException("registry 127.0.0.1:5000 answered 401"));
        Reconciler reconciler = f.reconciler(Fixture.service("web"));

        reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());
        f.clock.advance(Duration.ofSeconds(10));
        reconciler.run(Optional.empty());

        assertThat(f.registryCalls).hasSize(1);
        assertThat(reconciler.problems()).singleElement().asString().contains("127.0.0.1:5000 rejects the credentials");
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).contains("next try at");

        f.clock.advance(Duration.ofSeconds(21));
        reconciler.run(Optional.empty());
        assertThat(f.registryCalls).hasSize(2);
        f.clock.advance(Duration.ofSeconds(31));
        reconciler.run(Optional.empty());
        assertThat(f.registryCalls).as("the wait doubled to 60 s").hasSize(2);

        reconciler.forgetBackoff(); // POST /v1/update
        f.registry.put("web", D1);
        reconciler.run(Optional.empty());
        assertThat(f.registryCalls).hasSize(3);
        assertThat(reconciler.problems()).isEmpty();
    }

    @Test
    void aBuildRecoveryFoundUnhealthyIsRememberedAsFailedAndOneItKeptAsDeployed() {
        f.target.startRecoveries.add(new Recovery(
                "web",
                Recovery.Kind.ROLLED_BACK,
                "rolled back the interrupted deploy",
                Optional.of(D1.value()),
                Optional.of(D2.value())));
        f.registry.put("web", D2);
        Reconciler reconciler = f.reconciler(Fixture.service("web"));

        reconciler.recoverAtStart();
        reconciler.run(Optional.empty());

        assertThat(f.state.get("web").failedDigests()).containsExactly(D2.value());
        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("rolled_back");
        assertThat(f.target.deploys()).as("not deployed a second time").isEmpty();
    }

    @Test
    void aBuildRecoveryKeptIsRecordedAsDeployed() {
        f.target.startRecoveries.add(new Recovery(
                "web",
                Recovery.Kind.FINISHED,
                "finished the interrupted deploy",
                Optional.of(D1.value()),
                Optional.of(D2.value())));

        f.reconciler(Fixture.service("web")).recoverAtStart();

        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
        assertThat(f.state.get("web").lastDeploy().orElseThrow().from()).isEqualTo(D1.value());
        assertThat(f.state.get("web").lastDeploy().orElseThrow().reason()).startsWith("after a restart: finished");
    }
}
