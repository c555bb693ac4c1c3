package io.redeploy.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EventTest {
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

    @Test
    void quotesValuesThatWouldBreakKeyValueParsing() {
        String line = Event.error(LoggerFactory.getLogger(EventTest.class), "deploy.rollback")
                .with("service", "web")
                .digest("from", Optional.empty())
                .digest("to", D2)
                .reason("start failed: \"port\" busy\nline 2")
                .duration(Duration.ofMillis(1234))
                .render();

        assertThat(line)
                .isEqualTo("event=deploy.rollback service=web from=none to=sha256:222222222222 "
                        + "reason=\"start failed: \\\"port\\\" busy | line 2\" duration_ms=1234");
    }

    @Test
    void aValueIsBareOnlyWhenItIsOneToken() {
        assertThat(Event.quoted("web")).isEqualTo("web");
        assertThat(Event.quoted("")).isEqualTo("\"\"");
        assertThat(Event.quoted("a=b")).isEqualTo("\"a=b\"");
        assertThat(Event.quoted("C:\\dir")).isEqualTo("\"C:\\\\dir\"");
        assertThat(Event.quoted("tab\there")).isEqualTo("\"tab here\"");
        assertThat(Event.quoted("crlf\r\nnext")).isEqualTo("\"crlf | next\"");
    }

    @Test
    void aValueCannotForgeAnotherField() {
        String line = Event.info(LoggerFactory.getLogger(EventTest.class), "deploy.done")
                .with("service", "web\nevent=deploy.failed service=db")
                .render();

        assertThat(line).isEqualTo("event=deploy.done service=\"web | event=deploy.failed service=db\"");
    }
}
