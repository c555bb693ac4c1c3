package io.redeploy.agent.deploy;

import java.time.Duration;

/** Waiting between probes, injected so that unit tests advance a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return d -> Thread.sleep(Math.max(0, d.toMillis()));
    }
}
