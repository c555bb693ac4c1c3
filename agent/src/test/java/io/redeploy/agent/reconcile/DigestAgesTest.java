package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.image.Digest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DigestAgesTest {
    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final DigestAges ages = new DigestAges();

    @Test
    void theClockStartsWhenTheDigestIsFirstSeenAndKeepsRunningWhileItStays() {
        ages.observe("web", A, T0);
        ages.observe("web", A, T0.plusSeconds(300));

        assertThat(ages.since("web", A)).contains(T0);
    }

    @Test
    void aNewerDigestRestartsTheClock() {
        ages.observe("web", A, T0);
        ages.observe("web", B, T0.plusSeconds(540));

        assertThat(ages.since("web", B)).contains(T0.plusSeconds(540));
        assertThat(ages.since("web", A)).isEmpty();
    }

    @Test
    void anUnobservedDigestHasNoAge() {
        assertThat(ages.since("db", A)).isEmpty();
    }
}
