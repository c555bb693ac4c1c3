package io.redeploy.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class NotifyingPollEventsTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private final Notifier recorder = new Notifier() {
        @Override
        public String describe() {
            return "recorder";
        }

        @Override
        public boolean wants(String event) {
            return true;
        }

        @Override
        public void send(Notification n) {
            sent.add(n);
        }
    };
    private final ServiceConfig web = ServiceConfig.builder("web", ImageRef.parse("ghcr.io/acme/app", "main"))
            .mode(ServiceConfig.UpdateMode.AUTO)
            .stopTimeout(Duration.ofSeconds(10))
            .restartPolicy("unless-stopped")
            .build();

    @Test
    void eachOccurrenceIsNotifiedOnce() {
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(recorder), d -> {})) {
            NotifyingPollEvents events = new NotifyingPollEvents(
                    dispatcher, Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), "prod-1");
            events.newDigest(web, D2, false);
            events.newDigest(web, D2, true); // the same digest, a later poll: not again
            events.deployFinished(
                    web,
                    new DeployResult(
                            "web",
                            Optional.of(D1),
                            D2,
                            DeployResult.Outcome.ROLLED_BACK,
                            "health failed",
                            Duration.ofSeconds(3)));
            events.deployFinished(
                    web,
                    new DeployResult(
                            "web", Optional.of(D1), D2, DeployResult.Outcome.SKIPPED, "exit 75", Duration.ZERO));
            DeployResult hookFailed = new DeployResult(
                    "web",
                    Optional.of(D1),
                    D2,
                    DeployResult.Outcome.FAILED,
                    "pre-update hook failed: exit 1",
                    Duration.ZERO);
            events.deployFinished(web, hookFailed);
            events.deployFinished(web, hookFailed); // retried next poll, failed the same way: not again
            events.degraded("docker unavailable");
            events.degraded("docker unavailable");
            events.healthy();
            events.healthy();
            await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 5);
        }
        assertThat(sent)
                .extracting(Notification::event)
                .containsExactly(
                        "digest.new", "deploy.rolled_back", "deploy.failed", "agent.degraded", "agent.recovered");
        Notification rolledBack = sent.get(1);
        assertThat(rolledBack.service()).contains("web");
        assertThat(rolledBack.image()).contains("ghcr.io/acme/app:main");
        assertThat(rolledBack.from()).contains(D1.value());
        assertThat(rolledBack.to()).contains(D2.value());
        assertThat(rolledBack.host()).isEqualTo("prod-1");
        assertThat(sent.get(0).message()).contains("cooldown");
    }

    @Test
    void anOperatorsActionIsNotifiedUnderItsEventName() {
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(recorder), d -> {})) {
            NotifyingPollEvents events = new NotifyingPollEvents(
                    dispatcher, Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), "prod-1");
            events.operatorAction(
                    web, "rollback.done", Optional.of(D2.value()), Optional.of(D1.value()), "web rolled back");
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
            Notification n = sent.get(0);
            assertThat(n.event()).isEqualTo("rollback.done");
            assertThat(n.from()).contains(D2.value());
            assertThat(n.to()).contains(D1.value());
            assertThat(n.message()).isEqualTo("web rolled back");
            assertThat(io.redeploy.agent.config.NotificationsConfig.EVENTS)
                    .contains("service.held", "service.released", "rollback.done", "rollback.failed");
        }
    }

    @Test
    void aFailedBuildsLogTailStaysOutOfNotifications() {
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(recorder), d -> {})) {
            NotifyingPollEvents events = new NotifyingPollEvents(
                    dispatcher, Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), "prod-1");
            events.deployFinished(
                    web,
                    new DeployResult(
                            "web",
                            Optional.of(D1),
                            D2,
                            DeployResult.Outcome.ROLLED_BACK,
                            "health failed: exited (exit code 1)" + DeployResult.LOG_TAIL
                                    + "internal trace | at db:5432",
                            Duration.ofSeconds(3)));
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
            assertThat(sent.get(0).message())
                    .isEqualTo(
                            "health failed: exited (exit code 1); container logs: see /status or journalctl -u redeploy-agent");
        }
    }
}
