package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kill loop's judge, on made-up samples and log lines: what counts as a hidden outage, a build deployed again. */
class KillLoopVerdictTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration POLL = Duration.ofSeconds(5);

    private static String line(int second, String level, String event) {
        return T0.plusSeconds(second) + " " + level + " AttemptLog - event=" + event;
    }

    private static List<UptimeProbe.Sample> webDown(int fromSecond, int toSecond, int healthz) {
        List<UptimeProbe.Sample> samples = new ArrayList<>();
        for (int s = 0; s <= 30; s++) {
            boolean down = s >= fromSecond && s <= toSecond;
            samples.add(new UptimeProbe.Sample(T0.plusSeconds(s), down ? healthz : 200, Map.of("web", !down)));
        }
        return samples;
    }

    @Test
    void eventLinesAreParsedWithTimeLevelAndQuotedFields() {
        EventLine e = EventLine.parseLine(
                        line(3, "WARN", "recover service=web action=\"rolled back (it is \\\"not\\\" ok)\""))
                .orElseThrow();
        assertThat(e.at()).isEqualTo(T0.plusSeconds(3));
        assertThat(e.level()).isEqualTo("WARN");
        assertThat(e.event()).isEqualTo("recover");
        assertThat(e.get("action")).isEqualTo("rolled back (it is \"not\" ok)");
        assertThat(EventLine.parseLine("java.lang.IllegalStateException: boom")).isEmpty();
    }

    @Test
    void anOutageInsideADeployWindowIsExcused() {
        List<EventLine> log = EventLine.parse(String.join(
                "\n",
                line(5, "INFO", "deploy.start service=web from=sha256:aaaaaaaaaaaa to=sha256:bbbbbbbbbbbb"),
                line(12, "DEBUG", "poll.done services=1")));
        List<KillLoopVerdict.Window> windows = KillLoopVerdict.deployWindows(log, T0.plusSeconds(60));

        assertThat(KillLoopVerdict.outages(webDown(6, 11, 200), windows, log, POLL))
                .isEmpty();
    }

    @Test
    void aDependentRestartExcusesItsOwnOutage() {
        List<EventLine> log =
                EventLine.parse(line(12, "INFO", "deploy.restart service=web gate=http:8080/ duration_ms=4000"));
        List<KillLoopVerdict.Window> windows = KillLoopVerdict.deployWindows(log, T0.plusSeconds(60));

        assertThat(KillLoopVerdict.outages(webDown(8, 11, 200), windows, log, POLL))
                .isEmpty();
        assertThat(KillLoopVerdict.outages(webDown(5, 11, 200), windows, log, POLL))
                .as("what came before the restart")
                .isNotEmpty();
    }

    @Test
    void aProbeSentJustBeforeAKillAndCutByItBelongsToTheKill() {
        Instant kill = T0.plusSeconds(10);
        UptimeProbe.Sample cut = new UptimeProbe.Sample(
                kill.minusMillis(5), kill.plusMillis(40), 200, Map.of("web", false), Map.of("web", "IOException"));
        List<KillLoopVerdict.Window> windows = List.of(new KillLoopVerdict.Window(kill, kill.plusSeconds(5), "kill"));

        assertThat(KillLoopVerdict.outages(List.of(cut), windows, List.of(), POLL))
                .isEmpty();
        assertThat(KillLoopVerdict.outages(List.of(cut), List.of(), List.of(), POLL))
                .singleElement()
                .satisfies(o -> assertThat(o.failures()).containsExactly("IOException"));
    }

    @Test
    void anOutageWhileHealthzSaid200OutsideADeployIsAViolation() {
        List<KillLoopVerdict.Outage> outages = KillLoopVerdict.outages(webDown(6, 11, 200), List.of(), List.of(), POLL);

        assertThat(outages).singleElement().satisfies(o -> {
            assertThat(o.healthz200()).isTrue();
            assertThat(o.violation()).isTrue();
        });
    }

    @Test
    void anOutageReportedBy503AndAWarnIsNotAViolation_without_the_warn_it_is() {
        List<EventLine> warned = EventLine.parse(line(7, "WARN", "service.down service=web reason=\"exited\""));

        assertThat(KillLoopVerdict.outages(webDown(6, 11, 503), List.of(), warned, POLL))
                .singleElement()
                .satisfies(o -> assertThat(o.violation()).isFalse());
        assertThat(KillLoopVerdict.outages(webDown(6, 11, 503), List.of(), List.of(), POLL))
                .singleElement()
                .satisfies(o -> assertThat(o.violation()).isTrue());
    }

    @Test
    void aDigestDeployedAgainAfterItsRollbackIsFound() {
        List<EventLine> log = EventLine.parse(String.join(
                "\n",
                line(1, "INFO", "deploy.start service=web from=sha256:aaaaaaaaaaaa to=sha256:bbbbbbbbbbbb"),
                line(8, "ERROR", "deploy.rollback service=web from=sha256:aaaaaaaaaaaa to=sha256:bbbbbbbbbbbb"),
                line(20, "INFO", "deploy.start service=web from=sha256:aaaaaaaaaaaa to=sha256:bbbbbbbbbbbb")));

        assertThat(KillLoopVerdict.deployedAgain(log, KillLoopVerdict.judged(log, List.of())))
                .singleElement()
                .asString()
                .contains("sha256:bbbbbbbbbbbb");
    }

    @Test
    void aRecoveryThatJudgedTheBuildCountsAsFoundUnhealthy_anUndoneOneDoesNot() {
        assertThat(KillLoop.judgedUnhealthy(
                        "rolled back the interrupted deploy (it is not healthy: http:8080/ not healthy within 6.0s)"))
                .isTrue();
        assertThat(KillLoop.judgedUnhealthy(
                        "removed web.redeploy-new left exited by an interrupted start-first deploy; web serves on"))
                .isTrue();
        assertThat(KillLoop.judgedUnhealthy(
                        "removed web.redeploy-new left running by an interrupted start-first deploy;"
                                + " web serves on; the build was not judged, the next poll deploys it again"))
                .isFalse();
        assertThat(KillLoop.judgedUnhealthy("rolled back the interrupted deploy (the new container running)"))
                .as("a rollback under way at the kill")
                .isTrue();
        assertThat(KillLoop.judgedUnhealthy("the interrupted deploy had not created its container; put web back"))
                .isFalse();
    }
}
