package io.redeploy.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.DockerConfig;
import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ScheduleConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.deploy.DeployResult;
import io.redeploy.agent.deploy.DeployResult.Outcome;
import io.redeploy.agent.deploy.Recovery;
import io.redeploy.agent.deploy.RunningService;
import io.redeploy.agent.deploy.ServiceRuntime;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollCycleTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final Digest D3 = Digest.parse("sha256:" + "3".repeat(64));

    @TempDir
    Path stateDir;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, Object> registry =
            new HashMap<>(); // service image repository -> Digest or RegistryException
    private final List<String> registryCalls = new CopyOnWriteArrayList<>();
    private final FakeRuntime runtime = new FakeRuntime();
    private StateStore state;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void anUnchangedServiceIsNeitherPulledNorRestarted() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        registry.put("web", D1);

        cycle(web).run(Optional.empty());

        assertThat(runtime.calls).containsExactly("inspect web");
        assertThat(state.get("web").lastCheck().orElseThrow().result()).isEqualTo("unchanged");
        assertThat(state.get("web").runningDigest()).contains(D1.value());
    }

    @Test
    void aNewDigestIsDeployedAndRecorded() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        registry.put("web", D2);

        PollCycle.Report report = cycle(web).run(Optional.empty());

        assertThat(report.deploys()).extracting(DeployResult::outcome).containsExactly(Outcome.DEPLOYED);
        assertThat(state.get("web").lastDeploy().orElseThrow().to()).isEqualTo(D2.value());
        assertThat(state.get("web").runningDigest()).contains(D2.value());
    }

    @Test
    void dockerDownSkipsThePollWithoutAskingTheRegistry() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.dockerDown = true;
        registry.put("web", D2);

        PollCycle.Report report = cycle(web).run(Optional.empty());

        assertThat(report.deploys()).isEmpty();
        assertThat(registryCalls).isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result()).startsWith("error: docker unavailable");
    }

    @Test
    void oneFailingRegistryLookupDoesNotStopTheOthers() {
        ServiceConfig api = service("api", UpdateMode.AUTO, List.of(), false);
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("api", D1);
        runtime.running.put("web", D1);
        registry.put("api", new RegistryException("tag not found: api", false, null));
        registry.put("web", D2);

        PollCycle.Report report = cycle(api, web).run(Optional.empty());

        assertThat(report.registryErrors()).isEqualTo(1);
        assertThat(report.deploys()).extracting(DeployResult::service).containsExactly("web");
        assertThat(state.get("api").lastCheck().orElseThrow().result()).isEqualTo("error: tag not found: api");
    }

    @Test
    void aRolledBackDigestIsNotRetriedButANewerOneIs() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        runtime.outcomes.put(D2, Outcome.ROLLED_BACK);
        registry.put("web", D2);
        PollCycle cycle = cycle(web);

        cycle.run(Optional.empty());
        cycle.run(Optional.empty());
        assertThat(runtime.deploys()).containsExactly("deploy web " + D2.shortForm());
        assertThat(state.get("web").failedDigests()).containsExactly(D2.value());

        registry.put("web", D3);
        cycle.run(Optional.empty());
        assertThat(runtime.deploys()).containsExactly("deploy web " + D2.shortForm(), "deploy web " + D3.shortForm());
    }

    @Test
    void aPullThatBrokeOffIsRetriedNextPoll() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        runtime.outcomes.put(D2, Outcome.FAILED);
        registry.put("web", D2);
        PollCycle cycle = cycle(web);

        cycle.run(Optional.empty());
        runtime.outcomes.remove(D2);
        cycle.run(Optional.empty());

        assertThat(runtime.deploys()).hasSize(2);
        assertThat(state.get("web").failedDigests()).isEmpty();
        assertThat(state.get("web").runningDigest()).contains(D2.value());
    }

    /** web runs D1, the registry has D2, and the first poll's deploy of D2 loses the Docker engine half-way. */
    private PollCycle pollWhoseDeployLosesTheEngine() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        runtime.outcomes.put(D2, Outcome.ROLLED_BACK);
        runtime.engineLostOn.add(D2);
        registry.put("web", D2);
        PollCycle cycle = cycle(web);
        cycle.run(Optional.empty());
        return cycle;
    }

    @Test
    void aDeployTheDockerEngineCutShortIsNotHeldAgainstTheBuild() {
        pollWhoseDeployLosesTheEngine();

        assertThat(state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("rolled_back");
        assertThat(state.get("web").failedDigests()).isEmpty();
    }

    @Test
    void aRecoveryThatFinishedTheInterruptedDeployIsRecordedAsDeployedBeforeThePollLooks() {
        PollCycle cycle = pollWhoseDeployLosesTheEngine();

        // The engine is back: recovery found the new container healthy and kept it.
        runtime.running.put("web", D2);
        runtime.recoveries.add(
                new Recovery("web", Recovery.Kind.FINISHED, "finished interrupted deploy", Optional.of(D2.value())));
        cycle.run(Optional.empty());

        assertThat(runtime.calls).containsSubsequence("recover", "inspect web");
        assertThat(runtime.deploys()).hasSize(1);
        var last = state.get("web").lastDeploy().orElseThrow();
        assertThat(last.outcome()).isEqualTo("deployed");
        assertThat(last.to()).isEqualTo(D2.value());
        assertThat(last.reason()).startsWith("finished once the Docker engine answered again");
        assertThat(state.get("web").runningDigest()).contains(D2.value());
        assertThat(state.get("web").failedDigests()).isEmpty();
        assertThat(state.get("web").history()).hasSize(2);
    }

    @Test
    void aRecoveryThatRolledBackLeavesTheRecordAndTheNextPollDeploysTheBuildAgain() {
        PollCycle cycle = pollWhoseDeployLosesTheEngine();

        runtime.outcomes.remove(D2);
        runtime.engineLostOn.clear();
        runtime.recoveries.add(
                new Recovery("web", Recovery.Kind.ROLLED_BACK, "rolled back to the old container", Optional.empty()));
        cycle.run(Optional.empty());

        assertThat(runtime.deploys()).hasSize(2);
        assertThat(state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
        assertThat(state.get("web").history()).extracting(r -> r.outcome()).containsExactly("rolled_back", "deployed");
    }

    @Test
    void monitorModeReportsButNeverDeploys() {
        ServiceConfig web = service("web", UpdateMode.MONITOR, List.of(), false);
        runtime.running.put("web", D1);
        registry.put("web", D2);

        cycle(web).run(Optional.empty());

        assertThat(runtime.deploys()).isEmpty();
        assertThat(state.get("web").registryDigest()).contains(D2.value());
        assertThat(state.get("web").lastCheck().orElseThrow().result()).startsWith("new-digest");
    }

    @Test
    void aDependentWaitsWhenItsDependencyFailedInTheSamePoll() {
        ServiceConfig db = service("db", UpdateMode.AUTO, List.of(), false);
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of("db"), false);
        runtime.running.put("db", D1);
        runtime.running.put("web", D1);
        registry.put("db", D2);
        registry.put("web", D3);
        runtime.outcomes.put(D2, Outcome.ROLLED_BACK);

        cycle(db, web).run(Optional.empty());

        assertThat(runtime.deploys()).containsExactly("deploy db " + D2.shortForm());
        assertThat(state.get("web").lastCheck().orElseThrow().result()).contains("postponed");
    }

    @Test
    void dependentsAreRestartedAfterTheirDependencyWasRecreatedWhenConfiguredSo() {
        ServiceConfig db = service("db", UpdateMode.AUTO, List.of(), false);
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of("db"), true);
        ServiceConfig worker = service("worker", UpdateMode.AUTO, List.of("db"), false);
        runtime.running.put("db", D1);
        runtime.running.put("web", D1);
        runtime.running.put("worker", D1);
        registry.put("db", D2);
        registry.put("web", D1);
        registry.put("worker", D1);

        PollCycle.Report report = cycle(db, web, worker).run(Optional.empty());

        assertThat(report.restarted()).containsExactly("web");
        assertThat(runtime.calls).containsSubsequence("deploy db " + D2.shortForm(), "restart web");
    }

    @Test
    void afterAStopRequestNoNewDeployStarts() {
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of(), false);
        runtime.running.put("web", D1);
        registry.put("web", D2);
        PollCycle cycle = cycle(web);

        cycle.requestStop();
        cycle.run(Optional.empty());

        assertThat(runtime.deploys()).isEmpty();
        assertThat(state.get("web").lastCheck().orElseThrow().result()).contains("deferred");
    }

    @Test
    void aTriggerForOneServiceChecksOnlyThatService() {
        ServiceConfig db = service("db", UpdateMode.AUTO, List.of(), false);
        ServiceConfig web = service("web", UpdateMode.AUTO, List.of("db"), false);
        runtime.running.put("db", D1);
        runtime.running.put("web", D1);
        registry.put("db", D2);
        registry.put("web", D2);

        cycle(db, web).run(Optional.of("web"));

        assertThat(registryCalls).containsExactly("web");
        assertThat(runtime.deploys()).containsExactly("deploy web " + D2.shortForm());
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
        return new PollCycle(
                config,
                List.of(services),
                image -> {
                    String name =
                            image.repository().substring(image.repository().lastIndexOf('/') + 1);
                    registryCalls.add(name);
                    Object answer = registry.get(name);
                    if (answer instanceof RegistryException e) throw e;
                    return (Digest) answer;
                },
                runtime,
                state,
                new AgentMetrics(clock),
                executor,
                clock);
    }

    private static ServiceConfig service(
            String name, UpdateMode mode, List<String> dependsOn, boolean restartOnDependencyUpdate) {
        return new ServiceConfig(
                name,
                ImageRef.parse("127.0.0.1:5000/acme/" + name, "main"),
                name,
                mode,
                Map.of(),
                List.of(),
                List.of(),
                Optional.empty(),
                List.of(),
                dependsOn,
                restartOnDependencyUpdate,
                HealthCheckConfig.defaults(),
                Duration.ofSeconds(10),
                "unless-stopped",
                Optional.empty(),
                Map.of(),
                false);
    }

    /** In-memory Docker side: what runs, and how a deploy of a given digest ends. */
    private static final class FakeRuntime implements ServiceRuntime {
        final Map<String, Digest> running = new HashMap<>();
        final Map<Digest, Outcome> outcomes = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        final Set<Digest> engineLostOn = new java.util.HashSet<>();
        final List<Recovery> recoveries = new ArrayList<>();
        boolean dockerDown;

        List<String> deploys() {
            return calls.stream().filter(c -> c.startsWith("deploy")).toList();
        }

        @Override
        public void ping() {
            if (dockerDown) throw new IllegalStateException("Cannot connect to the Docker daemon");
        }

        @Override
        public RunningService inspect(ServiceConfig service) {
            calls.add("inspect " + service.name());
            Digest d = running.get(service.name());
            return d == null
                    ? RunningService.absent(service.name())
                    : new RunningService(
                            service.name(),
                            Optional.of("id-" + service.name()),
                            Optional.of("img"),
                            Set.of(d),
                            true,
                            true);
        }

        @Override
        public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
            calls.add("deploy " + service.name() + " " + target.shortForm());
            Outcome outcome = outcomes.getOrDefault(target, Outcome.DEPLOYED);
            if (outcome == Outcome.DEPLOYED) running.put(service.name(), target);
            String reason = outcome == Outcome.FAILED
                    ? "pull failed: connection reset"
                    : outcome == Outcome.ROLLED_BACK ? "health failed" : "";
            return new DeployResult(
                    service.name(),
                    Optional.ofNullable(running.get(service.name())),
                    target,
                    outcome,
                    reason,
                    Duration.ofSeconds(1),
                    engineLostOn.contains(target));
        }

        @Override
        public List<Recovery> recoverInterrupted() {
            if (!recoveries.isEmpty()) calls.add("recover");
            List<Recovery> done = List.copyOf(recoveries);
            recoveries.clear();
            return done;
        }

        @Override
        public boolean restart(ServiceConfig service) {
            calls.add("restart " + service.name());
            return true;
        }
    }
}
