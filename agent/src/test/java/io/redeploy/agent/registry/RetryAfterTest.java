package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T18:00:00Z"));

    @Test
    void readsDelaySeconds() {
        assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", clock)).contains(Duration.ZERO);
    }

    @Test
    void readsHttpDate() {
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 18:01:30 GMT", clock)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 17:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void ignoresAbsentOrBadValues() {
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
        assertThat(RetryAfter.parse("", clock)).isEmpty();
        assertThat(RetryAfter.parse("-5", clock)).isEmpty();
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    }
}
