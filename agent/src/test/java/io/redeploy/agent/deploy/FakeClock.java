package io.redeploy.agent.deploy;

import io.redeploy.agent.testing.MutableClock;
import io.redeploy.agent.time.Sleeper;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told, and a sleeper that moves it: tests never wait for real. */
public final class FakeClock extends MutableClock {
    private Duration slept = Duration.ZERO;

    public FakeClock() {
        super(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public Sleeper sleeper() {
        return d -> {
            slept = slept.plus(d);
            advance(d);
        };
    }

    public Duration slept() {
        return slept;
    }
}
