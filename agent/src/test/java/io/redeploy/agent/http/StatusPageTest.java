package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.Check;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.ServiceState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTML of the status page as a pure function: escaping, what a visitor and an operator see, the timeline. */
class StatusPageTest {
    private static final String HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final String RUNNING = "sha256:" + "a".repeat(64);
    private static final String NEWER = "sha256:" + "b".repeat(64);

    @Test
    void everyValueFromOutsideIsEscaped() {
        String html = StatusPage.render(view(Optional.of("csrf\"<x>")));

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("csrf\"<x>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img");
        assertThat(html).contains("value=\"csrf&quot;&lt;x&gt;\"");
    }

    @Test
    void aVisitorSeesTheStateAndTheSignInFormButNoActions() {
        String html = StatusPage.render(view(Optional.empty()));

        assertThat(html).contains("id=\"service-web\"", "sha256:aaaaaaaaaaaa", "sha256:bbbbbbbbbbbb");
        assertThat(html).contains("update pending", "id=\"held-web\"", "registry.example/web:main");
        assertThat(html).contains("id=\"signin\"", "action=\"/ui/signin\"");
        assertThat(html).doesNotContain("/ui/action", "name=\"csrf\"");
    }

    @Test
    void anOperatorSeesActionFormsCarryingTheCsrfToken() {
        String html = StatusPage.render(view(Optional.of("tok123")));

        assertThat(html).doesNotContain("id=\"signin\"");
        assertThat(html).contains("id=\"release-web\"", "id=\"rollback-web\"", "id=\"trigger-web\"");
        assertThat(html).doesNotContain("id=\"hold-web\""); // held already: release instead
        assertThat(html).contains("name=\"csrf\" value=\"tok123\"");
    }

    @Test
    void aDigestAwaitingApprovalIsShownWithAnApproveButtonNamingIt() {
        StatusPage.View v = view(Optional.of("tok123"));
        ServiceState waiting = v.services()
                .get(0)
                .withHold(Optional.empty())
                .withApproval(Optional.of(Approval.pending(NEWER, NOW.minusSeconds(120))));
        String html = StatusPage.render(new StatusPage.View(
                List.of(waiting), v.history(), v.lastPoll(), v.nextPoll(), v.now(), true, v.csrf()));

        assertThat(html).contains("id=\"awaiting-web\"", "waits for approval since", "id=\"approve-web\"");
        assertThat(html).contains("name=\"digest\" value=\"" + NEWER + "\"");
        assertThat(html).doesNotContain("update pending");

        String visitor = StatusPage.render(new StatusPage.View(
                List.of(waiting), v.history(), v.lastPoll(), v.nextPoll(), v.now(), true, Optional.empty()));
        assertThat(visitor).contains("id=\"awaiting-web\"").doesNotContain("id=\"approve-web\"");
    }

    @Test
    void withoutATokenThePageIsReadOnly() {
        StatusPage.View v = view(Optional.empty());
        String html = StatusPage.render(new StatusPage.View(
                v.services(), v.history(), v.lastPoll(), v.nextPoll(), v.now(), false, Optional.empty()));

        assertThat(html).contains("Read only").doesNotContain("id=\"signin\"");
    }

    @Test
    void theTimelineHasOneMarkPerDeployColouredByOutcome() {
        String svg = DeployTimeline.svg(history());

        assertThat(svg).startsWith("<svg").endsWith("</svg>");
        assertThat(svg.split("<circle", -1)).hasSize(4); // three deploys; the hold is not a deploy
        assertThat(svg).contains("fill=\"#2e7d32\"", "fill=\"#c62828\"", "fill=\"#ef6c00\"");
        assertThat(DeployTimeline.svg(List.of())).contains("no deploys recorded");
    }

    @Test
    void aMessagePageEscapesItsDetail() {
        assertThat(StatusPage.message("Refused", HOSTILE))
                .doesNotContain("<script")
                .contains("&lt;script&gt;");
    }

    private static StatusPage.View view(Optional<String> csrf) {
        DeployRecord last = new DeployRecord(
                "sha256:" + "9".repeat(64), RUNNING, NOW.minusSeconds(600), Duration.ofSeconds(4), "deployed", HOSTILE);
        ServiceState web = new ServiceState(
                "web",
                "registry.example/web:main",
                Optional.of(RUNNING),
                Optional.of(NEWER),
                Optional.of(new Check(NOW.minusSeconds(30), "new_digest")),
                Optional.of(last),
                Set.of(),
                List.of(last),
                Optional.of(new Hold("alice", NOW.minusSeconds(60), HOSTILE)));
        return new StatusPage.View(
                List.of(web),
                Map.of("web", history()),
                Optional.of(NOW.minusSeconds(30)),
                Optional.of(NOW.plusSeconds(30)),
                NOW,
                true,
                csrf);
    }

    private static List<AuditRecord> history() {
        return List.of(
                AuditRecord.of(NOW.minusSeconds(60), "web", "hold", "held", "", "", "alice", HOSTILE),
                AuditRecord.of(NOW.minusSeconds(600), "web", "deploy", "deployed", "", RUNNING, "agent", HOSTILE),
                AuditRecord.of(NOW.minusSeconds(900), "web", "deploy", "rolled_back", "", NEWER, "agent", "gate"),
                AuditRecord.of(NOW.minusSeconds(1200), "web", "deploy", "failed", "", NEWER, "agent", ""));
    }
}
