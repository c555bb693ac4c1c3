package io.redeploy.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ScheduleConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.deploy.DeployResult;
import io.redeploy.agent.deploy.DeployResult.Outcome;
import io.redeploy.agent.deploy.RunningService;
import io.redeploy.agent.deploy.ServiceRuntime;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poll's side of the update policy: cooldown, refusals, skips, and the events notifications are made of. */
class PollCyclePolicyTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, Digest> registry = new HashMap<>();
    private final Runtime runtime = new Runtime();
    private final List<String> events = new ArrayList<>();
    private StateStore state;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aNewDigestWaitsForItsCooldownThenDeploys() {
        ServiceConfig web = service(UpdatePolicy.defaults().withCooldown(Duration.ofMinutes(10)));
        runtime.running = D1;
        registry.put("web", D2);
        PollCycle cycle = cycle(web);

        cycle.run(Optional.empty());
        clock.advance(Duration.ofMinutes(6));
        cycle.run(Optional.empty());

        assertThat(runtime.deploys).isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (cooldown: deployed once unchanged for 240s more)");
        String waiting = "new " + D2.shortForm() + " deploy=false";
        events.removeIf("healthy"::equals);
        assertThat(events).containsExactly(waiting, waiting); // PollEvents hears it every poll; notifications dedupe

        clock.advance(Duration.ofMinutes(4));
        cycle.run(Optional.empty());

        assertThat(runtime.deploys).containsExactly(D2);
        events.removeIf("healthy"::equals);
        assertThat(events)
                .containsExactly(waiting, waiting, "new " + D2.shortForm() + " deploy=true", "finished DEPLOYED");
    }

    @Test
    void aRefusedDigestIsRecordedWithItsManualStepAndNotPulledAgain() {
        ServiceConfig db = service(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR));
        runtime.running = D1;
        runtime.outcome = Outcome.REFUSED;
        runtime.reason = "pin-major: major version change 15 -> 16 not deployed; manual step: ...";
        registry.put("web", D2);
        PollCycle cycle = cycle(db);

        cycle.run(Optional.empty());
        cycle.run(Optional.empty());

        assertThat(runtime.deploys).containsExactly(D2);
        assertThat(state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("refused");
        assertThat(state.get("web").lastDeploy().orElseThrow().reason()).contains("manual step");
        assertThat(state.get("web").failedDigests()).containsExactly(D2.value());
        assertThat(events).contains("finished REFUSED");
    }

    @Test
    void aSkippedDeployLeavesNoHistoryAndIsTriedAgainNextPoll() {
        ServiceConfig web = service(UpdatePolicy.defaults());
        runtime.running = D1;
        runtime.outcome = Outcome.SKIPPED;
        runtime.reason = "pre-update hook asked to skip this deploy (exit 75)";
        registry.put("web", D2);
        PollCycle cycle = cycle(web);

        cycle.run(Optional.empty());
        cycle.run(Optional.empty());

        assertThat(runtime.deploys).containsExactly(D2, D2);
        assertThat(state.get("web").history()).isEmpty();
        assertThat(state.get("web").failedDigests()).isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result())
                .contains("skipped: pre-update hook asked to skip");
        assertThat(events).doesNotContain("finished SKIPPED");
    }

    @Test
    void dockerOutagesAreReportedAsDegradedAndHealthy() {
        ServiceConfig web = service(UpdatePolicy.defaults());
        runtime.running = D1;
        registry.put("web", D1);
        PollCycle cycle = cycle(web);

        runtime.dockerDown = true;
        cycle.run(Optional.empty());
        runtime.dockerDown = false;
        cycle.run(Optional.empty());

        assertThat(events).startsWith("degraded docker unavailable: Cannot connect to the Docker daemon", "healthy");
    }

    private PollCycle cycle(ServiceConfig... services) {
        state = StateStore.open(stateDir, clock);
        AgentConfig config = new AgentConfig(
                Map.of(),
                ScheduleConfig.every(Duration.ofMinutes(1)),
                stateDir,
                new HttpConfig("127.0.0.1", 0, Optional.empty()),
                new DockerConfig(DockerConfig.DEFAULT_HOST),
                List.of(services));
        PollEvents recorder = new PollEvents() {
            @Override
            public void newDigest(ServiceConfig service, Digest digest, boolean willDeploy) {
                events.add("new " + digest.shortForm() + " deploy=" + willDeploy);
            }

            @Override
            public void deployFinished(ServiceConfig service, DeployResult result) {
                events.add("finished " + result.outcome());
            }

            @Override
            public void degraded(String reason) {
                events.add("degraded " + reason);
            }

            @Override
            public void healthy() {
                events.add("healthy");
            }
        };
        return new PollCycle(
                config,
                List.of(services),
                image -> registry.get("web"),
                runtime,
                state,
                new AgentMetrics(clock),
                executor,
                clock,
                recorder);
    }

    private static ServiceConfig service(UpdatePolicy policy) {
        return new ServiceConfig(
                "web",
                ImageRef.parse("127.0.0.1:5000/acme/web", "main"),
                "web",
                ServiceConfig.UpdateMode.AUTO,
                Map.of(),
                List.of(),
                List.of(),
                Optional.empty(),
                List.of(),
                List.of(),
                false,
                HealthCheckConfig.defaults(),
                Duration.ofSeconds(10),
                "unless-stopped",
                Optional.empty(),
                Map.of(),
                false,
                policy);
    }

    private static final class Runtime implements ServiceRuntime {
        Digest running;
        Outcome outcome = Outcome.DEPLOYED;
        String reason = "deployed";
        boolean dockerDown;
        final List<Digest> deploys = new ArrayList<>();

        @Override
        public void ping() {
            if (dockerDown) throw new IllegalStateException("Cannot connect to the Docker daemon");
        }

        @Override
        public RunningService inspect(ServiceConfig service) {
            return new RunningService(
                    service.name(), Optional.of("id"), Optional.of("img"), Set.of(running), true, true);
        }

        @Override
        public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
            deploys.add(target);
            Optional<Digest> from = Optional.of(running);
            if (outcome == Outcome.DEPLOYED) running = target;
            return new DeployResult(service.name(), from, target, outcome, reason, Duration.ofSeconds(1));
        }

        @Override
        public boolean restart(ServiceConfig service) {
            return true;
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
