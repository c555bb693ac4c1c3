package io.redeploy.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FollowUpDelaysTest {

    @Test
    void startsShortAndDoublesUpToTheCap() {
        FollowUpDelays delays = new FollowUpDelays();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seconds.add(delays.next().toSeconds());
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 10L, 10L, 10L, 10L);
    }

    @Test
    void aResetStartsShortAgain() {
        FollowUpDelays delays = new FollowUpDelays();
        delays.next();
        delays.next();
        delays.reset();
        assertThat(delays.next()).isEqualTo(Duration.ofSeconds(1));
    }
}
