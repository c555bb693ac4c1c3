package io.redeploy.agent.notify;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications on its own thread so that a slow or dead receiver never delays a poll or a deploy:
 * {@link #publish} only offers to a bounded queue and drops (one WARN line) when it is full. Each receiver gets
 * {@value #ATTEMPTS} attempts with doubling back-off; a final failure is logged and forgotten.
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    static final int QUEUE_CAPACITY = 256;
    static final int ATTEMPTS = 4;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);

    private final List<Notifier> notifiers;
    private final Sleeper sleeper;
    private final BlockingQueue<Notification> queue;
    private final Thread worker;
    private volatile boolean closed;

    public NotificationDispatcher(List<Notifier> notifiers, Sleeper sleeper) {
        this(notifiers, sleeper, QUEUE_CAPACITY);
    }

    NotificationDispatcher(List<Notifier> notifiers, Sleeper sleeper, int capacity) {
        this.notifiers = List.copyOf(notifiers);
        this.sleeper = sleeper;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::deliverLoop, "notify");
        this.worker.setDaemon(true);
        if (!this.notifiers.isEmpty()) {
            // URLs are masked by describe(): the operator sees where events go, never a token.
            Event.info(log, "notify.ready")
                    .with(
                            "notifiers",
                            String.join(
                                    ", ",
                                    this.notifiers.stream()
                                            .map(Notifier::describe)
                                            .toList()))
                    .log();
            worker.start();
        }
    }

    /** Never blocks, never throws. */
    public void publish(Notification notification) {
        if (notifiers.isEmpty() || closed) {
            return;
        }
        if (!queue.offer(notification)) {
            Event.warn(log, "notify.dropped")
                    .with("notification", notification.event())
                    .with("service", notification.service().orElse("-"))
                    .reason("queue full (" + queue.size() + " waiting)")
                    .log();
        }
    }

    private void deliverLoop() {
        while (!closed || !queue.isEmpty()) {
            Notification next;
            try {
                next = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next != null) {
                for (Notifier notifier : notifiers) {
                    if (notifier.wants(next.event()) && !deliver(notifier, next)) {
                        if (Thread.currentThread().isInterrupted()) return;
                    }
                }
            }
        }
    }

    private boolean deliver(Notifier notifier, Notification notification) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                notifier.send(notification);
                Event.debug(log, "notify.sent")
                        .with("notifier", notifier.describe())
                        .with("notification", notification.event())
                        .log();
                return true;
            } catch (IOException | RuntimeException e) {
                boolean last = attempt == ATTEMPTS;
                Event.warn(log, "notify.failed")
                        .with("notifier", notifier.describe())
                        .with("notification", notification.event())
                        .with("attempt", attempt + "/" + ATTEMPTS)
                        .with("final", last)
                        .reason(e.getMessage())
                        .log();
                if (last) {
                    return false;
                }
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
        return false;
    }

    /** Delivers what is queued for up to {@code grace}, then stops. */
    public void close(Duration grace) {
        closed = true;
        if (!worker.isAlive()) {
            return;
        }
        try {
            worker.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            Event.warn(log, "notify.abandoned").with("pending", queue.size()).log();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
