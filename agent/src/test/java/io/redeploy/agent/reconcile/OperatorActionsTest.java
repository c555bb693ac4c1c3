package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.StateStore;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hold, release and roll back, over the fixture's fake target and a real state file and audit history. */
class OperatorActionsTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final Digest D3 = Digest.parse("sha256:" + "3".repeat(64));

    @TempDir
    Path stateDir;

    private Fixture f;
    private final ServiceConfig web = Fixture.service("web");
    private Reconciler reconciler;
    private OperatorActions actions;

    @BeforeEach
    void twoBuildsDeployed() {
        f = new Fixture(stateDir);
        reconciler = f.reconciler(web);
        actions = f.actions(web);
        f.registry.put("web", D1);
        reconciler.run(Optional.empty());
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());
        assertThat(f.target.running.get("web")).isEqualTo(D2);
        f.events.clear();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aRollbackPutsThePreviousBuildBackHoldsTheServiceAndANewBuildWaitsUntilRelease() throws Exception {
        RollbackRequest request = actions.rollback("web", Optional.empty(), "alice", "login broken");
        assertThat(request.to()).isEqualTo(D1);
        assertThat(request.from()).contains(D2);
        assertThat(f.state.get("web").hold())
                .hasValueSatisfying(h -> assertThat(h.by()).isEqualTo("alice"));
        assertThat(f.inFlight.busy("web")).isTrue();

        DeployResult result = actions.execute(request);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(f.target.running.get("web")).isEqualTo(D1);
        assertThat(f.inFlight.busy("web")).isFalse();
        assertThat(f.state.get("web").runningDigest()).contains(D1.value());
        assertThat(f.state.get("web").failedDigests())
                .as("the build rolled back from")
                .contains(D2.value());
        assertThat(f.events).containsExactly("service.held web", "rollback.done web");

        f.registry.put("web", D3);
        Reconciler.Report held = reconciler.run(Optional.empty());
        assertThat(held.deploys()).isEmpty();
        assertThat(held.decisions()).extracting(Decision::kind).containsExactly(Decision.Kind.HELD);
        assertThat(held.decisions().get(0).detail())
                .isEqualTo("held by alice since 2026-11-25T12:00:00Z: login broken");
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (deferred: held by alice since 2026-11-25T12:00:00Z: login broken)");

        Hold released = actions.release("web", "bob");
        assertThat(released.by()).isEqualTo("alice");
        assertThat(f.state.get("web").hold()).isEmpty();
        Reconciler.Report after = reconciler.run(Optional.empty());
        assertThat(after.deploys()).extracting(DeployResult::to).containsExactly(D3);

        assertThat(f.audit
                        .read(Optional.of("web"), Optional.empty(), Optional.empty(), 10)
                        .records())
                .extracting(r -> r.kind() + " " + r.outcome() + " " + r.by())
                .containsExactly(
                        "deploy deployed agent",
                        "release released bob",
                        "rollback deployed alice",
                        "hold held alice",
                        "deploy deployed agent",
                        "deploy deployed agent");
    }

    @Test
    void aRollbackToANamedBuildFromTheHistoryTakesItsShortForm() throws Exception {
        RollbackRequest request = actions.rollback("web", Optional.of(D1.shortForm()), "token", "");
        assertThat(request.to()).isEqualTo(D1);
    }

    @Test
    void aBuildOlderThanTheStatesHistoryIsFoundInTheAuditHistory() throws Exception {
        for (int i = 0; i < StateStore.HISTORY_LIMIT; i++) {
            Digest d = i % 2 == 0 ? D3 : D2;
            f.registry.put("web", d);
            reconciler.run(Optional.empty());
        }
        assertThat(f.state.get("web").history()).extracting(r -> r.to()).doesNotContain(D1.value());
        assertThat(f.state.get("web").history()).extracting(r -> r.from()).doesNotContain(D1.value());

        RollbackRequest request = actions.rollback("web", Optional.of(D1.value()), "token", "");

        assertThat(request.to()).isEqualTo(D1);
    }

    @Test
    void theHoldSurvivesARestart() throws Exception {
        actions.hold("web", "token", "freeze");
        StateStore reopened = StateStore.open(stateDir, f.clock);
        assertThat(reopened.get("web").hold()).hasValueSatisfying(h -> {
            assertThat(h.by()).isEqualTo("token");
            assertThat(h.reason()).isEqualTo("freeze");
        });
    }

    @Test
    void aHoldDefersANewBuildWithoutARollback() throws Exception {
        actions.hold("web", "token", "");
        f.registry.put("web", D3);
        assertThat(reconciler.run(Optional.empty()).deploys()).isEmpty();
        assertThat(f.target.running.get("web")).isEqualTo(D2);
    }

    @Test
    void refusalsTouchNothing() throws Exception {
        assertRefused(() -> actions.rollback("nope", Optional.empty(), "token", ""), Reason.UNKNOWN_SERVICE);
        assertRefused(() -> actions.hold("nope", "token", ""), Reason.UNKNOWN_SERVICE);
        assertRefused(() -> actions.release("web", "token"), Reason.NOT_HELD);
        assertRefused(() -> actions.rollback("web", Optional.of(D3.value()), "token", ""), Reason.UNKNOWN_DIGEST);
        assertRefused(() -> actions.rollback("web", Optional.of(D2.value()), "token", ""), Reason.ALREADY_RUNNING);
        assertThat(f.state.get("web").hold()).isEmpty();

        actions.hold("web", "token", "");
        assertRefused(() -> actions.hold("web", "alice", ""), Reason.HELD);
        assertThat(f.state.get("web").hold().orElseThrow().by()).isEqualTo("token");
        assertThat(f.target.deploys()).hasSize(2);
        assertThat(f.audit
                        .read(Optional.empty(), Optional.empty(), Optional.empty(), 10)
                        .records())
                .extracting(AuditRecord::kind)
                .containsExactly("hold", "deploy", "deploy");
    }

    @Test
    void aRollbackIsRefusedWhileOneIsQueuedOrADeployRuns() throws Exception {
        actions.rollback("web", Optional.empty(), "token", "");
        assertRefused(() -> actions.rollback("web", Optional.empty(), "token", ""), Reason.BUSY);

        Fixture other = new Fixture(stateDir.resolve("other"));
        try {
            other.reconciler(web);
            OperatorActions otherActions = other.actions(web);
            other.inFlight.deploying("web");
            other.state.recordDeploy(
                    "web",
                    new io.redeploy.agent.state.DeployRecord(
                            D1.value(), D2.value(), other.clock.instant(), java.time.Duration.ZERO, "deployed", ""));
            assertRefused(() -> otherActions.rollback("web", Optional.empty(), "token", ""), Reason.BUSY);
            assertThat(other.state.get("web").hold()).isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void aRollbackWhoseBuildFailsItsHealthGateStaysHeldOnTheCurrentBuild() throws Exception {
        f.target.outcomes.put(D1, Outcome.ROLLED_BACK);
        DeployResult result = actions.execute(actions.rollback("web", Optional.empty(), "token", ""));
        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(f.target.running.get("web")).isEqualTo(D2);
        assertThat(f.state.get("web").hold()).isPresent();
        assertThat(f.state.get("web").failedDigests()).doesNotContain(D2.value());
        assertThat(f.events).containsExactly("service.held web", "rollback.failed web");
    }

    @Test
    void noEarlierBuildIsAnUnknownDigest() throws Exception {
        Fixture fresh = new Fixture(stateDir.resolve("fresh"));
        try {
            fresh.reconciler(web);
            assertRefused(
                    () -> fresh.actions(web).rollback("web", Optional.empty(), "token", ""), Reason.UNKNOWN_DIGEST);
        } finally {
            fresh.close();
        }
    }

    private interface Action {
        void run() throws ActionRefusedException;
    }

    private static void assertRefused(Action action, Reason reason) {
        assertThatThrownBy(action::run)
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
