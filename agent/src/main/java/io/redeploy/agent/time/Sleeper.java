package io.redeploy.agent.time;

import java.time.Duration;

/** Waiting (between probes, retries, polls of a follower), injected so unit tests advance a fake clock instead. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return d -> Thread.sleep(Math.max(0, d.toMillis()));
    }
}
