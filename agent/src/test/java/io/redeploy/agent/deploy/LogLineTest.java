package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogLineTest {
    @Test
    void quotesValuesThatWouldBreakKeyValueParsing() {
        String line = LogLine.event("deploy.rollback")
                .with("service", "web")
                .digest("from", Optional.empty())
                .digest("to", Services.V2)
                .with("reason", "start failed: \"port\" busy\nline 2")
                .duration(Duration.ofMillis(1234))
                .toString();

        assertThat(line)
                .isEqualTo("event=deploy.rollback service=web from=none to=sha256:222222222222 "
                        + "reason=\"start failed: \\\"port\\\" busy | line 2\" duration_ms=1234");
    }
}
