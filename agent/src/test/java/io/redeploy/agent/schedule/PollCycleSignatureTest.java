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
import io.redeploy.agent.deploy.RunningService;
import io.redeploy.agent.deploy.ServiceRuntime;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.signing.SignatureCheck;
import io.redeploy.agent.signing.SignatureCheck.Result.Kind;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The poll's side of signature verification: checked before the pull, refusals reported once, retried when signed. */
class PollCycleSignatureTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Runtime runtime = new Runtime();
    private final List<String> events = new ArrayList<>();
    private final List<Digest> checked = new ArrayList<>();
    private SignatureCheck.Result answer = new SignatureCheck.Result(Kind.VERIFIED, "cosign.pub");
    private StateStore state;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aVerifiedDigestIsDeployed() {
        PollCycle cycle = cycle(service(UpdatePolicy.defaults()));

        cycle.run(Optional.empty());

        assertThat(checked).containsExactly(D2);
        assertThat(runtime.deploys).containsExactly(D2);
        assertThat(events).containsExactly("new " + D2.shortForm() + " deploy=true", "finished DEPLOYED");
    }

    @Test
    void aRefusedDigestIsNeverPulledIsRecordedOnceAndNotMarkedFailed() {
        answer = new SignatureCheck.Result(Kind.REFUSED, "no cosign signature: tag sha256-2222.sig not found");
        PollCycle cycle = cycle(service(UpdatePolicy.defaults()));

        PollCycle.Report report = cycle.run(Optional.empty());

        assertThat(runtime.deploys).isEmpty();
        assertThat(report.deploys()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeployResult.Outcome.REFUSED);
            assertThat(r.from()).contains(D1);
        });
        DeployRecord record = state.get("web").lastDeploy().orElseThrow();
        assertThat(record.outcome()).isEqualTo("refused");
        assertThat(record.reason()).isEqualTo("signature: no cosign signature: tag sha256-2222.sig not found");
        assertThat(record.to()).isEqualTo(D2.value());
        assertThat(state.get("web").failedDigests())
                .as("re-checked by the signature check, not skipped")
                .isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result()).isEqualTo("new-digest (refused: signature)");
        assertThat(events).containsExactly("finished REFUSED"); // no "deploying" digest.new for a build that is refused

        answer = new SignatureCheck.Result(Kind.STILL_REFUSED, answer.detail());
        cycle.run(Optional.empty());

        assertThat(checked).containsExactly(D2, D2);
        assertThat(state.get("web").history()).hasSize(1);
        assertThat(events).containsExactly("finished REFUSED");
        assertThat(state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (refused: signature; checked again when its .sig tag changes)");

        answer = new SignatureCheck.Result(Kind.VERIFIED, "cosign.pub");
        cycle.run(Optional.empty());

        assertThat(runtime.deploys).containsExactly(D2);
        assertThat(state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
    }

    @Test
    void aRegistryFailureDuringTheCheckIsAnErrorToRetryNotARefusal() {
        answer = new SignatureCheck.Result(Kind.UNAVAILABLE, "registry answered HTTP 503 for repository acme/web");
        PollCycle cycle = cycle(service(UpdatePolicy.defaults()));

        cycle.run(Optional.empty());

        assertThat(runtime.deploys).isEmpty();
        assertThat(state.get("web").history()).isEmpty();
        assertThat(state.get("web").failedDigests()).isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("error: signature check: registry answered HTTP 503 for repository acme/web");
        assertThat(events).isEmpty();

        answer = new SignatureCheck.Result(Kind.VERIFIED, "cosign.pub");
        cycle.run(Optional.empty());
        assertThat(runtime.deploys).containsExactly(D2);
    }

    @Test
    void aDigestInItsCooldownIsNotCheckedYet() {
        PollCycle cycle = cycle(service(UpdatePolicy.defaults().withCooldown(Duration.ofMinutes(10))));

        cycle.run(Optional.empty());

        assertThat(checked).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        cycle.run(Optional.empty());
        assertThat(checked).containsExactly(D2);
        assertThat(runtime.deploys).containsExactly(D2);
    }

    @Test
    void aReportOnlyServiceIsNeverChecked() {
        PollCycle cycle = cycle(service(UpdatePolicy.of(UpdatePolicy.Kind.NOTIFY)));

        cycle.run(Optional.empty());

        assertThat(checked).isEmpty();
        assertThat(runtime.deploys).isEmpty();
    }

    private PollCycle cycle(ServiceConfig service) {
        state = StateStore.open(stateDir, clock);
        AgentConfig config = new AgentConfig(
                Map.of(),
                ScheduleConfig.every(Duration.ofMinutes(1)),
                stateDir,
                new HttpConfig("127.0.0.1", 0, Optional.empty()),
                new DockerConfig(DockerConfig.DEFAULT_HOST),
                List.of(service));
        PollEvents recorder = new PollEvents() {
            @Override
            public void newDigest(ServiceConfig s, Digest digest, boolean willDeploy) {
                events.add("new " + digest.shortForm() + " deploy=" + willDeploy);
            }

            @Override
            public void deployFinished(ServiceConfig s, DeployResult result) {
                events.add("finished " + result.outcome());
            }
        };
        SignatureCheck signatures = (s, digest) -> {
            checked.add(digest);
            return answer;
        };
        return new PollCycle(
                config,
                List.of(service),
                image -> D2,
                runtime,
                state,
                new AgentMetrics(clock),
                executor,
                clock,
                recorder,
                signatures);
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
        Digest running = D1;
        final List<Digest> deploys = new ArrayList<>();

        @Override
        public void ping() {}

        @Override
        public RunningService inspect(ServiceConfig service) {
            return new RunningService(
                    service.name(), Optional.of("id"), Optional.of("img"), Set.of(running), true, true);
        }

        @Override
        public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
            deploys.add(target);
            Optional<Digest> from = Optional.of(running);
            running = target;
            return new DeployResult(
                    service.name(), from, target, DeployResult.Outcome.DEPLOYED, "deployed", Duration.ofSeconds(1));
        }

        @Override
        public boolean restart(ServiceConfig service) {
            return true;
        }
    }
}
