package io.redeploy.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
    // One sample line of the text format 0.0.4: name, optional {labels}, value.
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+");

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T18:00:00Z"), ZoneOffset.UTC);
    private final AgentMetrics metrics = new AgentMetrics(clock);

    @Test
    void everyLineIsValidTextFormat() {
        recordSomething();

        for (String line : metrics.scrape().split("\n")) {
            assertThat(SAMPLE.matcher(line).matches() || META.matcher(line).matches())
                    .as(line)
                    .isTrue();
        }
    }

    @Test
    void declaresEveryFamilyWithItsType() {
        recordSomething(); // a labelled family without any sample is not written at all
        String text = metrics.scrape();

        assertThat(text)
                .contains(
                        "# TYPE redeploy_polls_total counter",
                        "# TYPE redeploy_poll_duration_seconds histogram",
                        "# TYPE redeploy_polls_in_progress gauge",
                        "# TYPE redeploy_last_successful_poll_timestamp_seconds gauge",
                        "# TYPE redeploy_registry_requests_total counter",
                        "# TYPE redeploy_deploys_total counter",
                        "# TYPE redeploy_deploy_duration_seconds histogram",
                        "# TYPE redeploy_last_successful_deploy_timestamp_seconds gauge");
    }

    @Test
    void pollOutcomesStartAtZeroSoRatesWorkFromTheFirstScrape() {
        Map<String, Double> samples = samples(metrics.scrape());

        assertThat(samples)
                .containsEntry("redeploy_polls_total{result=\"ok\"}", 0.0)
                .containsEntry("redeploy_polls_total{result=\"error\"}", 0.0)
                .containsEntry("redeploy_last_successful_poll_timestamp_seconds", 0.0);
    }

    @Test
    void countsPollsRegistryResponsesAndDeploys() {
        recordSomething();

        Map<String, Double> samples = samples(metrics.scrape());

        assertThat(samples)
                .containsEntry("redeploy_polls_total{result=\"ok\"}", 1.0)
                .containsEntry("redeploy_polls_total{result=\"error\"}", 1.0)
                .containsEntry("redeploy_polls_in_progress", 0.0)
                .containsEntry("redeploy_poll_duration_seconds_count", 2.0)
                .containsEntry("redeploy_poll_duration_seconds_sum", 2.5)
                .containsEntry("redeploy_poll_duration_seconds_bucket{le=\"0.5\"}", 1.0)
                .containsEntry("redeploy_last_successful_poll_timestamp_seconds", (double)
                        clock.instant().getEpochSecond())
                .containsEntry("redeploy_registry_requests_total{registry=\"127.0.0.1:5000\",status=\"200\"}", 2.0)
                .containsEntry("redeploy_registry_requests_total{registry=\"ghcr.io\",status=\"401\"}", 1.0)
                .containsEntry("redeploy_registry_requests_total{registry=\"ghcr.io\",status=\"error\"}", 1.0)
                .containsEntry("redeploy_deploys_total{outcome=\"deployed\",service=\"web\"}", 1.0)
                .containsEntry("redeploy_deploys_total{outcome=\"rolled_back\",service=\"web\"}", 1.0)
                .containsEntry("redeploy_deploy_duration_seconds_count{service=\"web\"}", 2.0)
                .containsEntry("redeploy_last_successful_deploy_timestamp_seconds{service=\"web\"}", (double)
                        clock.instant().getEpochSecond());
    }

    @Test
    void registriesDoNotShareCountersBetweenInstances() {
        recordSomething();

        assertThat(samples(new AgentMetrics(clock).scrape())).containsEntry("redeploy_polls_total{result=\"ok\"}", 0.0);
    }

    private void recordSomething() {
        metrics.pollStarted();
        metrics.pollFinished(Duration.ofMillis(500), true);
        metrics.pollStarted();
        metrics.pollFinished(Duration.ofSeconds(2), false);
        metrics.registryResponse("127.0.0.1:5000", 200);
        metrics.registryResponse("127.0.0.1:5000", 200);
        metrics.registryResponse("ghcr.io", 401);
        metrics.registryResponse("ghcr.io", 0);
        metrics.deployFinished("web", "deployed", Duration.ofSeconds(12));
        metrics.deployFinished("web", "rolled_back", Duration.ofSeconds(70));
    }

    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }
}
