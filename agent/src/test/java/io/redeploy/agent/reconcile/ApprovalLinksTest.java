package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.state.Approval;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed approve links: valid once, for a day, for the build that waits now, under this key only. */
class ApprovalLinksTest {
    private static final String KEY = "approval-links-test-key-0123456789abcdef";
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final Digest D3 = Digest.parse("sha256:" + "3".repeat(64));

    @TempDir
    Path stateDir;

    private Fixture f;
    private final ServiceConfig web = Fixture.service("web").withPolicy(UpdatePolicy.of(UpdatePolicy.Kind.APPROVE));
    private Reconciler reconciler;
    private ApprovalLinks links;
    private LinkApprovals approvals;

    @BeforeEach
    void d2Waits() {
        f = new Fixture(stateDir);
        reconciler = f.reconciler(web);
        links = new ApprovalLinks(KEY, "https://deploy.example.com", Duration.ofHours(24), f.clock);
        approvals = new LinkApprovals(links, f.state, f.actions(web));
        f.target.running.put("web", D1);
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private String token() {
        String link = links.link("web", f.state.get("web").approval().orElseThrow());
        assertThat(link).startsWith("https://deploy.example.com/v1/approve/link?token=");
        return link.substring(link.indexOf("token=") + "token=".length());
    }

    @Test
    void aLinkApprovesTheBuildItNamesOnce() throws Exception {
        String token = token();

        assertThat(approvals.preview(token).digest()).isEqualTo(D2.value());
        assertThat(f.state.get("web").approval().orElseThrow().approved())
                .as("a preview touches nothing")
                .isFalse();
        Approval approved = approvals.approve(token);

        assertThat(approved.approvedBy()).contains(LinkApprovals.BY);
        refused(() -> approvals.approve(token), Reason.LINK_USED);
        assertThat(reconciler.run(Optional.of("web")).deploys())
                .extracting(DeployResult::to)
                .containsExactly(D2);
        refused(() -> approvals.approve(token), Reason.LINK_USED);
    }

    @Test
    void aNewerBuildInvalidatesTheLinkOfTheOlderOne() throws Exception {
        String older = token();
        f.registry.put("web", D3);
        reconciler.run(Optional.empty());

        refused(() -> approvals.approve(older), Reason.LINK_USED);
        assertThat(approvals.approve(token()).digest()).isEqualTo(D3.value());
    }

    @Test
    void theSameDigestWaitingAgainLaterIsNotApprovedByItsOldLink() throws Exception {
        String first = token();
        f.registry.put("web", D1); // the tag moved back: nothing waits
        reconciler.run(Optional.empty());
        assertThat(f.state.get("web").approval())
                .as("cleared while nothing waits")
                .isEmpty();
        f.clock.advance(Duration.ofMinutes(5));
        f.registry.put("web", D2);
        reconciler.run(Optional.empty());

        refused(() -> approvals.approve(first), Reason.LINK_USED);
    }

    @Test
    void anExpiredLinkIsRefused() {
        String token = token();
        f.clock.advance(Duration.ofHours(24));
        refused(() -> approvals.approve(token), Reason.LINK_EXPIRED);
        assertThat(f.state.get("web").approval().orElseThrow().approved()).isFalse();
    }

    @Test
    void anAlteredOrForeignLinkIsRefused() {
        String token = token();
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);
        String otherKey = new ApprovalLinks("another-key-" + KEY, "http://x", Duration.ofHours(24), f.clock)
                .link("web", f.state.get("web").approval().orElseThrow());

        refused(() -> approvals.approve(payload + "A." + signature), Reason.INVALID_LINK);
        refused(() -> approvals.approve(payload + "." + signature.substring(1)), Reason.INVALID_LINK);
        refused(() -> approvals.approve(otherKey.substring(otherKey.indexOf("token=") + 6)), Reason.INVALID_LINK);
        refused(() -> approvals.approve("garbage"), Reason.INVALID_LINK);
        refused(() -> approvals.approve("%%%.%%%"), Reason.INVALID_LINK);
        refused(() -> approvals.approve(""), Reason.INVALID_LINK);
        assertThat(f.state.get("web").approval().orElseThrow().approved()).isFalse();
    }

    private static void refused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ActionRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
