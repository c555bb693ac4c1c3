package io.redeploy.survey.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.survey.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory rate limiter and failure back-off, with a clock moved by hand. */
class LimitersTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

    @Test
    void aBucketAllowsItsCapacityThenRefillsEvenly() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a")).isEmpty();
        }
        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(20));
        assertThat(limiter.tryAcquire("b")).as("keys are independent").isEmpty();
        clock.advance(Duration.ofSeconds(19));
        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isPresent();
        clock.advance(Duration.ofHours(5));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a"))
                    .as("refill stops at the capacity")
                    .isEmpty();
        }
        assertThat(limiter.tryAcquire("a")).isPresent();
        assertThatThrownBy(() -> new RateLimiter(0, Duration.ofMinutes(1), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCapAndSuccessOrTimeForgets() {
        FailureBackoff backoff =
                new FailureBackoff(2, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(1), clock);
        backoff.failed("k");
        assertThat(backoff.blockedFor("k")).isEmpty();
        backoff.failed("k");
        assertThat(backoff.blockedFor("k")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(backoff.blockedFor("k")).isEmpty();
        backoff.failed("k");
        assertThat(backoff.blockedFor("k")).contains(Duration.ofSeconds(2));
        for (int i = 0; i < 40; i++) {
            backoff.failed("k");
        }
        assertThat(backoff.blockedFor("k")).as("capped").contains(Duration.ofSeconds(10));
        assertThat(backoff.blockedFor("other")).isEmpty();

        clock.advance(Duration.ofHours(1));
        backoff.failed("k");
        assertThat(backoff.blockedFor("k"))
                .as("forgotten after an hour without failures")
                .isEmpty();
        backoff.failed("k");
        backoff.succeeded("k");
        backoff.failed("k");
        assertThat(backoff.blockedFor("k")).as("reset by a success").isEmpty();
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(new TooManyRequestsException("x", Duration.ofMillis(1)).retryAfterSeconds())
                .isEqualTo(1);
        assertThat(new TooManyRequestsException("x", Duration.ofMillis(2001)).retryAfterSeconds())
                .isEqualTo(3);
        assertThat(new TooManyRequestsException("Busy.", Duration.ofMinutes(15)).getMessage())
                .isEqualTo("Busy. Try again in 15 minutes.");
    }
}
