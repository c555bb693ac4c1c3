package io.redeploy.agent.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told, and a sleeper that moves it: tests never wait for real. */
final class FakeClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private Duration slept = Duration.ZERO;

    void advance(Duration d) {
        now = now.plus(d);
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

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
