package io.redeploy.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import io.redeploy.agent.reconcile.Workload;
import io.redeploy.agent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The Swarm target against a scripted manager: what it sends, what it follows, what it refuses. */
class SwarmTargetTest {
    static final Digest OLD = Digest.parse("sha256:" + "a".repeat(64));
    static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    static final String REPO = "127.0.0.1:5000/acme/web";
    static final RegistryConfig PRIVATE = new RegistryConfig(
            "127.0.0.1:5000", true, Optional.of("deploy-bot"), Optional.of(new Secret("registry-secret")));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final FakeSwarm swarm = new FakeSwarm();
    private final SwarmTarget target = new SwarmTarget(
            swarm,
            new SwarmUpdateFollower(swarm, clock, clock::advance, Duration.ofSeconds(1)),
            clock,
            Duration.ofMinutes(5));
    private final ServiceConfig web = ServiceConfig.following("web", ServiceConfig.Source.SWARM)
            .swarmService(Optional.of("survey_web"))
            .build();

    /** A manager with one service; after an update, Swarm does what {@link #afterUpdate} says. */
    static final class FakeSwarm implements SwarmControl {
        boolean manager = true;
        SwarmService service;
        List<SwarmTask> tasks = new ArrayList<>();
        final List<String> updates = new ArrayList<>();
        Optional<SwarmRegistryAuth> lastAuth = Optional.empty();
        String afterUpdate = "completed";
        boolean conflict;
        int infoCalls;
        boolean down;
        int inspectCalls;

        @Override
        public SwarmInfo requireManager() {
            infoCalls++;
            if (down) {
                throw new SwarmApiException("cannot connect to the Docker engine", 0);
            }
            if (!manager) {
                throw new NotASwarmManagerException("the Docker engine is a swarm worker", 0);
            }
            return new SwarmInfo("active", true, "n1", "127.0.0.1", 1, 1);
        }

        @Override
        public Optional<SwarmService> inspectService(String nameOrId) {
            inspectCalls++;
            return Optional.ofNullable(service).filter(s -> s.name().equals(nameOrId) || s.id().equals(nameOrId));
        }

        @Override
        public List<SwarmTask> tasks(String serviceId) {
            return List.copyOf(tasks);
        }

        @Override
        public SwarmUpdateSubmitted updateDigest(
                SwarmService current, Digest digest, Optional<SwarmRegistryAuth> auth, SwarmUpdateConfig overrides) {
            if (conflict) {
                // A second agent updated it first.
                settle(NEW, "completed", "update completed");
                throw new SwarmVersionConflictException(current.name(), current.versionIndex(), "out of sequence", 500);
            }
            updates.add(digest.value());
            lastAuth = auth;
            if (afterUpdate.equals("completed")) {
                settle(digest, "completed", "update completed");
            } else {
                settle(OLD, "rollback_completed", "rollback completed: task failed its health check");
            }
            return new SwarmUpdateSubmitted(current.id(), current.name(), current.versionIndex(), "", List.of());
        }

        void has(String image, String state, SwarmTask... running) {
            service = service(image, state, "");
            tasks = new ArrayList<>(List.of(running));
        }

        void settle(Digest digest, String state, String message) {
            service = service(REPO + ":main@" + digest, state, message);
            tasks = new ArrayList<>(List.of(task(1, digest), task(2, digest)));
        }

        private static SwarmService service(String image, String state, String message) {
            return new SwarmService(
                    "svc-id",
                    "survey_web",
                    7,
                    SwarmService.Mode.REPLICATED,
                    OptionalLong.of(2),
                    image,
                    SwarmUpdateConfig.none(),
                    state == null
                            ? Optional.empty()
                            : Optional.of(SwarmUpdateStatus.of(state, message, Optional.empty(), Optional.empty())),
                    JsonNodeFactory.instance.objectNode());
        }
    }

    static SwarmTask task(int slot, Digest digest) {
        return new SwarmTask(
                "t" + slot + digest.shortForm(),
                "svc-id",
                OptionalInt.of(slot),
                "n1",
                "running",
                "running",
                "running",
                "",
                REPO + ":main@" + digest,
                Optional.of(Instant.parse("2026-12-01T09:00:00Z")));
    }

    @Test
    void theTagToWatchIsReadFromTheServicesImage() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));

        ServiceConfig resolved = target.resolve(web);

        assertThat(resolved.image()).isEqualTo(ImageRef.parse(REPO, "main"));
        Workload workload = target.observe(resolved);
        assertThat(workload.runs(OLD)).isTrue();
        assertThat(workload.running()).isTrue();
        assertThat(workload.status()).isEqualTo("2 of 2 tasks running");
    }

    @Test
    void aPollWithNothingToDoAsksForTheRoleOnceAndInspectsEachServiceOnce() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));

        for (int poll = 1; poll <= 2; poll++) {
            target.ping();
            target.observe(target.resolve(web));

            assertThat(swarm.infoCalls).as("GET /info per poll").isEqualTo(poll);
            assertThat(swarm.inspectCalls).as("inspects per poll").isEqualTo(poll);
        }
    }

    @Test
    void aDeployInspectsAfreshButDoesNotAskForTheRoleAgain() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));
        target.ping();
        ServiceConfig resolved = target.resolve(web);
        target.observe(resolved);
        int inspects = swarm.inspectCalls;

        target.deploy(resolved, NEW, PRIVATE);

        assertThat(swarm.infoCalls).isEqualTo(1);
        assertThat(swarm.inspectCalls)
                .as("the version index the update carries is read now")
                .isGreaterThan(inspects);
    }

    @Test
    void aDeployOnAWorkerFailsWithoutTouchingTheService() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));
        ServiceConfig resolved = target.resolve(web);
        swarm.manager = false;
        target.ping();

        DeployResult result = target.deploy(resolved, NEW, PRIVATE);

        assertThat(result.outcome()).isEqualTo(DeployResult.Outcome.FAILED);
        assertThat(result.reason()).startsWith("inspect failed: ").contains("swarm worker");
        assertThat(swarm.updates).isEmpty();
    }

    @Test
    void anEngineThatDoesNotAnswerFailsThePing() {
        swarm.down = true;

        assertThatThrownBy(target::ping).isInstanceOf(SwarmApiException.class);
    }

    @Test
    void whatCannotBeFollowedIsRefusedWithOneLine() {
        assertThatThrownBy(() -> target.resolve(web))
                .isInstanceOf(UnresolvedServiceException.class)
                .hasMessageContaining("Swarm service survey_web does not exist")
                .hasMessageContaining("services.web.swarm_service");

        swarm.has(REPO + "@" + OLD, null);
        assertThatThrownBy(() -> target.resolve(web)).hasMessageContaining("pinned to a digest without a tag");

        swarm.manager = false;
        target.ping(); // the next poll finds a worker: not an unreachable engine, each service says why
        assertThatThrownBy(() -> target.resolve(web)).hasMessageContaining("swarm worker");
        assertThat(swarm.updates).isEmpty();
    }

    @Test
    void aNewDigestIsSentWithTheRegistryCredentialsAndFollowedToCompleted() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));

        DeployResult result = target.deploy(target.resolve(web), NEW, PRIVATE);

        assertThat(result.outcome()).isEqualTo(DeployResult.Outcome.DEPLOYED);
        assertThat(result.from()).contains(OLD);
        assertThat(result.reason()).contains("2/2 tasks on the new digest");
        assertThat(swarm.updates).containsExactly(NEW.value());
        assertThat(swarm.lastAuth)
                .hasValueSatisfying(a -> assertThat(a.username()).isEqualTo("deploy-bot"));
    }

    @Test
    void aBuildSwarmRollsBackIsRolledBackWithSwarmsWords() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));
        swarm.afterUpdate = "rollback";

        DeployResult result = target.deploy(target.resolve(web), NEW, PRIVATE);

        assertThat(result.outcome()).isEqualTo(DeployResult.Outcome.ROLLED_BACK);
        assertThat(result.reason()).contains("task failed its health check");
    }

    @Test
    void anUpdateAnotherAgentSentFirstIsFollowedNotSentAgain() {
        swarm.has(REPO + ":main@" + OLD, null, task(1, OLD), task(2, OLD));
        swarm.conflict = true;

        DeployResult result = target.deploy(target.resolve(web), NEW, PRIVATE);

        assertThat(result.outcome()).isEqualTo(DeployResult.Outcome.DEPLOYED);
        assertThat(swarm.updates).isEmpty();
    }

    @Test
    void anUpdateAKilledAgentLeftRunningIsFollowedAfterTheRestartWithoutASecondUpdate() {
        swarm.has(REPO + ":main@" + NEW, "updating", task(1, NEW), task(2, OLD));
        swarm.tasks = new ArrayList<>(List.of(task(1, NEW), task(2, NEW)));
        swarm.service = FakeSwarm.service(REPO + ":main@" + NEW, "completed", "update completed");

        List<Recovery> recoveries = target.recover(List.of(web));

        assertThat(recoveries).isEmpty(); // already completed: nothing was left to follow
        swarm.service = FakeSwarm.service(REPO + ":main@" + NEW, "updating", "update in progress");
        swarm.tasks = new ArrayList<>(List.of(task(1, NEW), task(2, OLD)));
        // The follower polls; make Swarm complete on the next look.
        SwarmTarget following = new SwarmTarget(
                swarm,
                new SwarmUpdateFollower(
                        swarm,
                        clock,
                        d -> {
                            clock.advance(d);
                            swarm.settle(NEW, "completed", "update completed");
                        },
                        Duration.ofSeconds(1)),
                clock,
                Duration.ofMinutes(5));

        List<Recovery> healed = following.recover(List.of(web));

        assertThat(healed).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(Recovery.Kind.FINISHED);
            assertThat(r.action()).contains("followed the Swarm update");
        });
        assertThat(swarm.updates).isEmpty();
    }
}
