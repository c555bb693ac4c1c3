package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.state.Approval;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy: approve}: a new build waits, an operator approves it, the next poll deploys it. */
class ApprovalTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final Digest D3 = Digest.parse("sha256:" + "3".repeat(64));

    @TempDir
    Path stateDir;

    private Fixture f;
    private final ServiceConfig web = Fixture.service("web").withPolicy(UpdatePolicy.of(UpdatePolicy.Kind.APPROVE));
    private Reconciler reconciler;
    private OperatorActions actions;

    @BeforeEach
    void runningD1() {
        f = new Fixture(stateDir);
        reconciler = f.reconciler(web);
        actions = f.actions(web);
        f.target.running.put("web", D1);
        f.registry.put("web", D1);
        reconciler.run(Optional.empty());
        f.events.clear();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aNewBuildWaitsUntilApprovedThenTheNextPollDeploysItAndClearsIt() throws Exception {
        f.registry.put("web", D2);
        Reconciler.Report waiting = reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());

        assertThat(waiting.deploys()).isEmpty();
        assertThat(waiting.decisions()).extracting(Decision::kind).containsExactly(Decision.Kind.AWAITING_APPROVAL);
        assertThat(f.state.get("web").approval()).contains(Approval.pending(D2.value(), f.clock.instant()));
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).isEqualTo("new-digest (awaiting approval)");
        assertThat(approvalEvents()).as("once, not at every poll").containsExactly("approval.pending web");

        Approval approved = actions.approve("web", Optional.of(D2.shortForm()), "alice");
        assertThat(approved.approvedBy()).contains("alice");
        Reconciler.Report after = reconciler.run(Optional.of("web"));

        assertThat(after.deploys()).extracting(DeployResult::to).containsExactly(D2);
        assertThat(f.target.running.get("web")).isEqualTo(D2);
        assertThat(f.state.get("web").approval()).as("its deploy clears it").isEmpty();
        assertThat(f.audit
                        .read(Optional.of("web"), Optional.empty(), Optional.empty(), 10)
                        .records())
                .extracting(r -> r.kind() + " " + r.outcome() + " " + r.by())
                .containsExactly("deploy deployed agent", "approval approved alice", "approval pending agent");
    }

    @Test
    void aNewerBuildSupersedesThePendingOneWhoseApprovalIsThenRefused() throws Exception {
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());
        f.registry.put("web", D3);
        reconciler.run(Optional.empty());

        assertThat(f.state.get("web").approval()).map(Approval::digest).contains(D3.value());
        assertThatThrownBy(() -> actions.approve("web", Optional.of(D2.value()), "alice"))
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_PENDING))
                .hasMessageContaining(D3.shortForm() + " is");
        assertThat(f.state.get("web").approval().orElseThrow().approved()).isFalse();
        assertThat(approvalEvents()).containsExactly("approval.pending web", "approval.pending web");
    }

    @Test
    void anApprovalThatANewerBuildOvertookDoesNotDeployTheNewerOne() throws Exception {
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());
        actions.approve("web", Optional.empty(), "alice");
        f.registry.put("web", D3); // pushed before the queued poll ran

        Reconciler.Report report = reconciler.run(Optional.of("web"));

        assertThat(report.deploys()).isEmpty();
        assertThat(f.state.get("web").approval()).map(Approval::digest).contains(D3.value());
        assertThat(f.state.get("web").approval().orElseThrow().approved()).isFalse();
    }

    private java.util.List<String> approvalEvents() {
        return f.events.stream().filter(e -> e.startsWith("approval.")).toList();
    }

    @Test
    void refusalsTouchNothing() throws Exception {
        assertThatThrownBy(() -> actions.approve("nope", Optional.empty(), "alice"))
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SERVICE));
        assertThatThrownBy(() -> actions.approve("web", Optional.empty(), "alice"))
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_PENDING));

        f.registry.put("web", D2);
        reconciler.run(Optional.empty());
        actions.approve("web", Optional.of(D2.value()), "alice");
        assertThatThrownBy(() -> actions.approve("web", Optional.of(D2.value()), "bob"))
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ALREADY_APPROVED))
                .hasMessageContaining("approved by alice");
        assertThat(f.state.get("web").approval().orElseThrow().approvedBy()).contains("alice");
        assertThat(approvalEvents()).containsExactly("approval.pending web", "approval.approved web");
    }

    @Test
    void aPendingDigestSurvivesARestartAndIsNotAnnouncedAgain() throws Exception {
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());

        Reconciler restarted = f.reconciler(web);
        OperatorActions afterRestart = f.actions(web);
        restarted.run(Optional.empty());

        assertThat(f.state.get("web").approval()).map(Approval::digest).contains(D2.value());
        assertThat(approvalEvents()).containsExactly("approval.pending web");
        afterRestart.approve("web", Optional.of(D2.value()), "alice");
        assertThat(restarted.run(Optional.of("web")).deploys())
                .extracting(DeployResult::to)
                .containsExactly(D2);
    }
}
