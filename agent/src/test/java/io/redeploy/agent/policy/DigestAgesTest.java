package io.redeploy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DigestAgesTest {
    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private final DigestAges ages = new DigestAges();

    @Test
    void aDigestIsRipeOnceItWasTheTagsDigestForTheCooldown() {
        ages.observe("web", A, T0);
        ages.observe("web", A, T0.plusSeconds(300));

        assertThat(ages.remaining("web", A, TEN_MINUTES, T0.plusSeconds(300))).contains(Duration.ofMinutes(5));
        assertThat(ages.remaining("web", A, TEN_MINUTES, T0.plusSeconds(600))).isEmpty();
    }

    @Test
    void aNewerDigestRestartsTheClock() {
        ages.observe("web", A, T0);
        ages.observe("web", B, T0.plusSeconds(540));

        assertThat(ages.remaining("web", B, TEN_MINUTES, T0.plusSeconds(600))).contains(Duration.ofMinutes(9));
    }

    @Test
    void noCooldownMeansAtOnce() {
        assertThat(ages.remaining("web", A, Duration.ZERO, T0)).isEmpty();
    }

    @Test
    void anUnobservedDigestStartsWaitingNow() {
        assertThat(ages.remaining("db", A, TEN_MINUTES, T0)).contains(TEN_MINUTES);
    }
}
