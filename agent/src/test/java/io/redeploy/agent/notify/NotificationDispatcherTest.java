package io.redeploy.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final Sleeper recordingSleeper = slept::add;

    /** Fails the first {@code failures} sends, then accepts. */
    private static final class Flaky implements Notifier {
        final AtomicInteger attempts = new AtomicInteger();
        final List<String> delivered = new CopyOnWriteArrayList<>();
        final int failures;

        Flaky(int failures) {
            this.failures = failures;
        }

        @Override
        public String describe() {
            return "flaky";
        }

        @Override
        public boolean wants(String event) {
            return !event.equals("digest.new");
        }

        @Override
        public void send(Notification n) throws IOException {
            if (attempts.incrementAndGet() <= failures) throw new IOException("HTTP 503");
            delivered.add(n.event());
        }
    }

    @Test
    void failuresAreRetriedWithDoublingBackoff() {
        Flaky flaky = new Flaky(2);
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(flaky), recordingSleeper)) {
            dispatcher.publish(WebhookNotifierTest.rolledBack());
            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.delivered.size() == 1);
        }
        assertThat(flaky.attempts).hasValue(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void aReceiverThatNeverAcceptsIsGivenUpAfterTheLastAttempt() {
        Flaky dead = new Flaky(Integer.MAX_VALUE);
        Flaky fine = new Flaky(0);
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(dead, fine), recordingSleeper)) {
            dispatcher.publish(WebhookNotifierTest.rolledBack());
            await().atMost(Duration.ofSeconds(10)).until(() -> fine.delivered.size() == 1);
        }
        assertThat(dead.attempts).hasValue(NotificationDispatcher.ATTEMPTS);
    }

    @Test
    void eventsATargetDoesNotWantAreNotSent() {
        Flaky flaky = new Flaky(0);
        try (NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(flaky), recordingSleeper)) {
            Notification n = WebhookNotifierTest.rolledBack();
            dispatcher.publish(
                    new Notification("digest.new", n.at(), n.host(), n.service(), n.image(), n.from(), n.to(), "x"));
            dispatcher.publish(n);
            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.delivered.size() == 1);
        }
        assertThat(flaky.delivered).containsExactly("deploy.rolled_back");
    }

    @Test
    void publishNeverBlocksAndDropsWhenTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        Notifier stuck = new Notifier() {
            @Override
            public String describe() {
                return "stuck";
            }

            @Override
            public boolean wants(String event) {
                return true;
            }

            @Override
            public void send(Notification n) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sent.incrementAndGet();
            }
        };
        NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(stuck), recordingSleeper, 2);
        for (int i = 0; i < 10; i++) {
            dispatcher.publish(WebhookNotifierTest.rolledBack()); // returns at once although the receiver hangs
        }
        release.countDown();
        dispatcher.close(Duration.ofSeconds(10));
        // One in the receiver's hands, two queued, the rest dropped.
        assertThat(sent.get()).isBetween(2, 3);
    }
}
