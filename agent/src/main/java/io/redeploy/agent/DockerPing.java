package io.redeploy.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Docker ping behind {@code /healthz}, bounded and cached (issue 16 item 6). A hung dockerd (it accepts the
 * connection and never answers) would otherwise hold every {@code /healthz} request, and with them the HTTP workers,
 * for as long as it hangs. Here at most one ping is in flight, on its own daemon thread; a caller waits for it at
 * most {@link #WAIT} and then counts Docker as not answering; an answer is reused for {@link #CACHED}, so a monitor
 * polling fast does not turn into a ping per request.
 *
 * <p>Why not a response timeout on the Docker client itself: the same connection pool serves the calls that are
 * silent for long by design (stopping a container waits its stop timeout, {@code docker exec} of a {@code pg_dump}
 * may print nothing for minutes, the event stream idles), and a socket read timeout short enough for a health check
 * would break them. The deploy path already bounds its waits itself.
 */
final class DockerPing {
    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration CACHED = Duration.ofSeconds(1);

    private final Runnable ping;
    private final Clock clock;
    private final Duration wait;
    private CompletableFuture<Boolean> inFlight;
    private Instant answeredAt;
    private boolean lastAnswer;

    DockerPing(Runnable ping, Clock clock) {
        this(ping, clock, WAIT);
    }

    DockerPing(Runnable ping, Clock clock, Duration wait) {
        this.ping = ping;
        this.clock = clock;
        this.wait = wait;
    }

    /** True when the engine answered a ping within the last second, or answers one now within {@link #WAIT}. */
    boolean answers() {
        CompletableFuture<Boolean> current;
        synchronized (this) {
            Instant now = clock.instant();
            if (answeredAt != null && now.isBefore(answeredAt.plus(CACHED))) {
                return lastAnswer;
            }
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.supplyAsync(this::pingOnce, DockerPing::daemonThread);
            }
            current = inFlight;
        }
        boolean answer;
        try {
            answer = current.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer = false; // still hanging: the ping goes on alone, the next call waits for the same one
        } catch (ExecutionException e) {
            answer = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        synchronized (this) {
            answeredAt = clock.instant();
            lastAnswer = answer;
        }
        return answer;
    }

    private boolean pingOnce() {
        try {
            ping.run();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void daemonThread(Runnable task) {
        Thread thread = new Thread(task, "docker-ping");
        thread.setDaemon(true);
        thread.start();
    }
}
