package io.redeploy.agent.deploy;

import io.redeploy.agent.testing.MutableClock;
import io.redeploy.agent.time.Sleeper;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told, and a sleeper that moves it: tests never wait for real. */
final class FakeClock extends MutableClock {
    private Duration slept = Duration.ZERO;

    FakeClock() {
        super(Instant.parse("2026-01-01T00:00:00Z"));
    }

    Sleeper sleeper() {
        return d -> {
            slept = slept.plus(d);
            advance(d);
        };
    }

    Duration slept() {
        return slept;
    }
}
