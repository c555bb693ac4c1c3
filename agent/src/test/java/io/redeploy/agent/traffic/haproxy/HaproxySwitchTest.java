package io.redeploy.agent.traffic.haproxy;

import static io.redeploy.agent.traffic.haproxy.HaproxyRuntimeTest.STATE_HEADER;
import static io.redeploy.agent.traffic.haproxy.HaproxyRuntimeTest.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.testing.MutableClock;
import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HaproxySwitchTest {
    private static final UpstreamTarget OLD = new UpstreamTarget("172.18.0.4", 8000);
    private static final UpstreamTarget NEW = new UpstreamTarget("172.18.0.5", 8000);
    private static final String SERVING_OLD =
            STATE_HEADER + line(1, "blue", "172.18.0.4", 2, 4, 8000) + line(2, "green", "127.0.0.1", 0, 5, 1) + "\n";
    private static final String OLD_DRAINING = STATE_HEADER + line(1, "blue", "172.18.0.4", 2, 12, 8000)
            + line(2, "green", "172.18.0.5", 2, 4, 8000) + "\n";
    private static final String ADDR_CHANGED =
            "IP changed from '127.0.0.1' to '172.18.0.5' by 'stats socket command'\n\n";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    private HaproxySwitch web(FakeRuntimeSocket haproxy) {
        return new HaproxySwitch(
                new HaproxyRuntime(haproxy.path(), Duration.ofSeconds(5)),
                "web",
                "be_web",
                clock,
                clock::advance,
                Duration.ofMillis(200));
    }

    @Test
    void aSwitchPointsTheIdleSlotAtTheTargetMakesItReadyThenDrainsTheServingOne() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(
                c -> c.startsWith("show") ? SERVING_OLD : c.contains(" addr ") ? ADDR_CHANGED : "\n")) {
            assertThat(web(haproxy).switchTo(NEW)).contains(OLD);

            assertThat(haproxy.commands())
                    .containsExactly(
                            "show servers state be_web",
                            "set server be_web/green addr 172.18.0.5 port 8000",
                            "set server be_web/green state ready",
                            "set server be_web/blue state drain");
        }
    }

    @Test
    void aRefusedAddressLeavesTheServingSlotAlone() throws Exception {
        try (FakeRuntimeSocket haproxy =
                new FakeRuntimeSocket(c -> c.startsWith("show") ? SERVING_OLD : "Invalid addr\n")) {
            HaproxySwitch web = web(haproxy);
            web.adopt();

            assertThatThrownBy(() -> web.switchTo(NEW)).isInstanceOf(HaproxyRuntimeException.class);
            assertThat(web.target()).contains(OLD);
            assertThat(haproxy.commands()).noneMatch(c -> c.startsWith("set server") && c.contains(" state "));
        }
    }

    @Test
    void ensureAsksOnlyWhenHaproxyServesTheWantedTargetAlone() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> SERVING_OLD)) {
            HaproxySwitch web = web(haproxy);
            assertThat(web.ensure()).isEqualTo(HaproxySwitch.Outcome.NO_TARGET);
            assertThat(web.adopt()).contains(OLD);

            assertThat(web.ensure()).isEqualTo(HaproxySwitch.Outcome.UNCHANGED);
            assertThat(haproxy.commands()).allMatch(c -> c.startsWith("show servers state"));
        }
    }

    @Test
    void ensurePutsTheTargetBackAfterARestart() throws Exception {
        String fresh =
                STATE_HEADER + line(1, "blue", "127.0.0.1", 0, 5, 1) + line(2, "green", "127.0.0.1", 0, 5, 1) + "\n";
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> SERVING_OLD)) {
            HaproxySwitch web = web(haproxy);
            web.adopt();
            haproxy.answer(c -> c.startsWith("show") ? fresh : c.contains(" addr ") ? ADDR_CHANGED : "\n");

            assertThat(web.ensure()).isEqualTo(HaproxySwitch.Outcome.RESTORED);
            assertThat(haproxy.commands())
                    .endsWith("set server be_web/blue addr 172.18.0.4 port 8000", "set server be_web/blue state ready");
        }
    }

    @Test
    void theDrainWaitsForTwoPollsWithoutSessionsThenPutsTheOldSlotInMaintenance() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> c.startsWith("show servers")
                ? OLD_DRAINING
                : c.startsWith("show stat")
                        ? "# pxname,svname,qcur,qmax,scur\nbe_web,blue,0,0," + (polls.incrementAndGet() < 3 ? 1 : 0)
                                + "\n\n"
                        : "\n")) {
            assertThat(web(haproxy).awaitDrained(OLD, Duration.ofSeconds(10))).isZero();

            assertThat(polls).hasValue(4);
            assertThat(haproxy.commands()).last().isEqualTo("set server be_web/blue state maint");
        }
    }

    @Test
    void theDrainGivesUpAtTheTimeoutWithTheSessionsStillOpen() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> c.startsWith("show servers")
                ? OLD_DRAINING
                : "# pxname,svname,qcur,qmax,scur\nbe_web,blue,0,0,2\n\n")) {
            assertThat(web(haproxy).awaitDrained(OLD, Duration.ofSeconds(1))).isEqualTo(2);
            assertThat(haproxy.commands()).noneMatch(c -> c.contains("maint"));
        }
    }

    @Test
    void aBackendWithoutAFreeSlotCannotSwitch() throws Exception {
        String both = STATE_HEADER + line(1, "blue", "172.18.0.4", 2, 4, 8000) + "\n";
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> both)) {
            assertThatThrownBy(() -> web(haproxy).switchTo(NEW))
                    .isInstanceOf(HaproxyRuntimeException.class)
                    .hasMessageContaining("backend be_web of service web has no free server slot for 172.18.0.5:8000");
        }
    }

    @Test
    void withAServerPrefixOnlyThatServiceSlotsAreUsed() throws Exception {
        String twoServices = STATE_HEADER
                + line(1, "api_blue", "172.18.0.9", 2, 4, 8000)
                + line(2, "api_green", "127.0.0.1", 0, 5, 1)
                + line(3, "web_blue", "172.18.0.4", 2, 4, 8000)
                + line(4, "web_green", "127.0.0.1", 0, 5, 1) + "\n";
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(
                c -> c.startsWith("show") ? twoServices : c.contains(" addr ") ? ADDR_CHANGED : "\n")) {
            HaproxySwitch web = new HaproxySwitch(
                    new HaproxyRuntime(haproxy.path(), Duration.ofSeconds(5)),
                    "web",
                    "be_web",
                    "web_",
                    clock,
                    clock::advance,
                    Duration.ofMillis(200));

            assertThat(web.switchTo(NEW)).contains(OLD);
            assertThat(haproxy.commands())
                    .containsExactly(
                            "show servers state be_web",
                            "set server be_web/web_green addr 172.18.0.5 port 8000",
                            "set server be_web/web_green state ready",
                            "set server be_web/web_blue state drain");
        }
    }
}
