package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RegistryClientSettings settings = new RegistryClientSettings(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            5,
            Duration.ofMillis(400),
            Duration.ofMillis(2000),
            Duration.ofSeconds(30),
            1024,
            "redeploy-agent/test");

    @Test
    void backoffDoublesWithinEqualJitterBounds() {
        RetryPolicy low = new RetryPolicy(settings, () -> 0.0);
        RetryPolicy high = new RetryPolicy(settings, () -> 0.999999);
        assertThat(low.waitBeforeRetry(1, Optional.empty())).contains(Duration.ofMillis(200));
        assertThat(high.waitBeforeRetry(1, Optional.empty())).contains(Duration.ofMillis(399));
        assertThat(low.waitBeforeRetry(2, Optional.empty())).contains(Duration.ofMillis(400));
        assertThat(low.waitBeforeRetry(3, Optional.empty())).contains(Duration.ofMillis(800));
    }

    @Test
    void backoffIsCapped() {
        RetryPolicy low = new RetryPolicy(settings.withMaxAttempts(100), () -> 0.0);
        RetryPolicy high = new RetryPolicy(settings.withMaxAttempts(100), () -> 0.999999);
        assertThat(low.waitBeforeRetry(4, Optional.empty())).contains(Duration.ofMillis(1000));
        assertThat(high.waitBeforeRetry(60, Optional.empty())).contains(Duration.ofMillis(1999));
    }

    @Test
    void givesUpAfterMaxAttempts() {
        RetryPolicy policy = new RetryPolicy(settings, () -> 0.5);
        assertThat(policy.waitBeforeRetry(4, Optional.empty())).isPresent();
        assertThat(policy.waitBeforeRetry(5, Optional.empty())).isEmpty();
        assertThat(new RetryPolicy(settings.withMaxAttempts(1), () -> 0.5).waitBeforeRetry(1, Optional.empty()))
                .isEmpty();
    }

    @Test
    void honoursRetryAfterUpToTheLimit() {
        RetryPolicy policy = new RetryPolicy(settings, () -> 0.5);
        assertThat(policy.waitBeforeRetry(1, Optional.of(Duration.ofSeconds(7))))
                .contains(Duration.ofSeconds(7));
        assertThat(policy.waitBeforeRetry(1, Optional.of(Duration.ofSeconds(30))))
                .contains(Duration.ofSeconds(30));
        assertThat(policy.waitBeforeRetry(1, Optional.of(Duration.ofSeconds(31))))
                .isEmpty();
    }
}
