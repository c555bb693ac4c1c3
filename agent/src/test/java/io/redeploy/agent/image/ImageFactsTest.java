package io.redeploy.agent.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ImageFactsTest {
    @Test
    void createdIsReadAsTheEngineAndTheImageConfigWriteIt() {
        assertThat(ImageFacts.parseCreated("2026-11-30T10:15:30.123456789Z"))
                .contains(Instant.parse("2026-11-30T10:15:30.123456789Z"));
        assertThat(ImageFacts.parseCreated("2026-11-30T11:15:30+01:00"))
                .contains(Instant.parse("2026-11-30T10:15:30Z"));
        assertThat(ImageFacts.parseCreated("")).isEmpty();
        assertThat(ImageFacts.parseCreated("yesterday")).isEmpty();
        assertThat(ImageFacts.parseCreated(null)).isEmpty();
    }
}
