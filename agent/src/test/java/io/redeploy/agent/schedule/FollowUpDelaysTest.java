package io.redeploy.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowUpDelaysTest {

    @Test
    void everySecondWhileADaemonRestartLastsThenDoublingUpToTheCap() {
        FollowUpDelays delays = new FollowUpDelays();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            seconds.add(delays.next().toSeconds());
        }
        assertThat(seconds.subList(0, 30)).containsOnly(1L);
        assertThat(seconds.subList(30, 35)).containsExactly(2L, 4L, 8L, 10L, 10L);
    }

    @Test
    void aResetStartsFastAgain() {
        FollowUpDelays delays = new FollowUpDelays();
        for (int i = 0; i < 40; i++) {
            delays.next();
        }
        delays.reset();
        assertThat(delays.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(delays.next()).isEqualTo(Duration.ofSeconds(1));
    }
}
