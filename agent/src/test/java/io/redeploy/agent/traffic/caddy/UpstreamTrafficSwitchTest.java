package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A reverse proxy's upstream switch as the deploy's traffic switch: adoption, ensuring, targets both ways. */
class UpstreamTrafficSwitchTest {
    /** An upstream switch in memory: what the proxy runs, and the calls made. */
    private static class FakeUpstream implements UpstreamSwitch {
        final List<String> calls = new ArrayList<>();
        Optional<UpstreamTarget> running = Optional.empty();
        Optional<UpstreamTarget> wanted = Optional.empty();

        @Override
        public Optional<UpstreamTarget> switchTo(UpstreamTarget target) {
            calls.add("switch " + target);
            Optional<UpstreamTarget> previous = wanted;
            wanted = Optional.of(target);
            running = wanted;
            return previous;
        }

        @Override
        public Optional<UpstreamTarget> target() {
            return wanted;
        }

        @Override
        public int awaitDrained(UpstreamTarget target, Duration timeout) {
            calls.add("drain " + target + " " + timeout.toSeconds() + "s");
            return 0;
        }

        @Override
        public Optional<UpstreamTarget> adopt() {
            calls.add("adopt");
            wanted = running;
            return running;
        }

        @Override
        public boolean restore() {
            calls.add("restore");
            return false;
        }
    }

    private final FakeUpstream upstream = new FakeUpstream();
    private final UpstreamTrafficSwitch sw = new UpstreamTrafficSwitch(upstream);

    @Test
    void theFirstSwitchAfterARestartAdoptsWhatTheProxyRunsSoTheOldUpstreamIsReportedForDraining() throws Exception {
        upstream.running = Optional.of(new UpstreamTarget("127.0.0.1", 40001));

        Optional<ForwardTarget> previous = sw.switchTo(new ForwardTarget("abc", "127.0.0.1", 40002));

        assertThat(previous).contains(new ForwardTarget("", "127.0.0.1", 40001));
        assertThat(upstream.calls).containsExactly("adopt", "switch 127.0.0.1:40002");
        sw.awaitDrained(previous.orElseThrow(), Duration.ofSeconds(10));
        assertThat(upstream.calls).endsWith("drain 127.0.0.1:40001 10s");
    }

    @Test
    void pointingAtTheCurrentTargetOnlyEnsuresTheRoute() {
        ForwardTarget a = new ForwardTarget("aaa", "127.0.0.1", 40001);
        ForwardTarget b = new ForwardTarget("bbb", "127.0.0.1", 40002);
        sw.switchTo(a);

        assertThat(sw.switchTo(a)).contains(a);
        assertThat(sw.switchTo(b)).as("the previous target keeps its container").contains(a);
        assertThat(sw.target()).contains(b);
        assertThat(upstream.calls)
                .containsExactly("adopt", "switch 127.0.0.1:40001", "restore", "switch 127.0.0.1:40002");
        assertThat(sw.ensure()).isFalse();
        assertThat(upstream.calls)
                .endsWith("restore")
                .filteredOn("adopt"::equals)
                .hasSize(1);
    }

    @Test
    void anAdoptionThatFailsIsTriedAgain() {
        UpstreamTrafficSwitch failing = new UpstreamTrafficSwitch(new FakeUpstream() {
            int tries;

            @Override
            public Optional<UpstreamTarget> adopt() {
                if (tries++ == 0) {
                    throw new TrafficSwitchException("caddy admin: connection refused", null);
                }
                return super.adopt();
            }
        });

        assertThatThrownBy(failing::ensure).isInstanceOf(TrafficSwitchException.class);
        assertThat(failing.switchTo(new ForwardTarget("a", "127.0.0.1", 1))).isEmpty();
    }
}
