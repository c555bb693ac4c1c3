package io.redeploy.agent.proxy;

import io.redeploy.agent.traffic.ForwardTarget;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Open connections per target, shared by a forwarder's selector thread (which counts) and a deploy that waits for the
 * old target to drain. Its monitor is also the forwarder's lock for "take the target and count the connection in".
 */
final class TargetCounts {
    private final Map<ForwardTarget, Integer> open = new HashMap<>();

    synchronized void acquire(ForwardTarget t) {
        open.merge(t, 1, Integer::sum);
    }

    synchronized void release(ForwardTarget t) {
        open.computeIfPresent(t, (k, n) -> n > 1 ? n - 1 : null);
        notifyAll();
    }

    synchronized int of(ForwardTarget t) {
        return open.getOrDefault(t, 0);
    }

    synchronized int total() {
        return open.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Waits until none is open to {@code t} (to any target when null), at most {@code timeout}; returns the rest. */
    synchronized int awaitNone(ForwardTarget t, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int left = t == null ? total() : of(t);
        while (left > 0) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, wait);
            left = t == null ? total() : of(t);
        }
        return left;
    }
}
