package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification of a build waiting for approval: once per build, with a signed link when a key is set. */
class ApprovalNotificationTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final ServiceConfig web = Fixture.service("web").withPolicy(UpdatePolicy.of(UpdatePolicy.Kind.APPROVE));
    private final List<String> messages = new ArrayList<>();
    private final PollEvents events = new PollEvents() {
        @Override
        public void operatorAction(
                ServiceConfig service, String event, Optional<String> from, Optional<String> to, String message) {
            messages.add(event + ": " + message);
        }
    };

    @Test
    void aPendingBuildIsAnnouncedOnceWithItsSignedLink() {
        ApprovalLinks links =
                new ApprovalLinks("k".repeat(32), "https://deploy.example.com", Duration.ofHours(24), clock);
        try (AuditLog audit = AuditLog.open(stateDir)) {
            Recorder recorder = new Recorder(
                    StateStore.open(stateDir, clock),
                    audit,
                    new AgentMetrics(clock),
                    events,
                    clock,
                    Optional.of(links));
            Decision waiting = new Decision(web, Decision.Kind.AWAITING_APPROVAL, Optional.of(D2), Optional.of(D1), "");

            recorder.decided(waiting);
            recorder.decided(waiting);

            assertThat(messages)
                    .singleElement()
                    .asString()
                    .startsWith("approval.pending: web: " + D2.shortForm() + " waits for approval: approve it at "
                            + "https://deploy.example.com/v1/approve/link?token=")
                    .contains("(once, for 24 h), or with POST /v1/approve?service=web&digest=" + D2.value());
        }
    }

    @Test
    void withoutAKeyTheNotificationSaysHowToApproveWithoutALink() {
        try (AuditLog audit = AuditLog.open(stateDir)) {
            Recorder recorder =
                    new Recorder(StateStore.open(stateDir, clock), audit, new AgentMetrics(clock), events, clock);
            recorder.decided(new Decision(web, Decision.Kind.AWAITING_APPROVAL, Optional.of(D2), Optional.of(D1), ""));

            assertThat(messages)
                    .containsExactly("approval.pending: web: " + D2.shortForm()
                            + " waits for approval: POST /v1/approve?service=web&digest=" + D2.value());
        }
    }
}
