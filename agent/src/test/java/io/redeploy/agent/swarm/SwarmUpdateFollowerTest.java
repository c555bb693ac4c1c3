package io.redeploy.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.swarm.SwarmUpdateOutcome.Result;
import io.redeploy.agent.testing.MutableClock;
import io.redeploy.agent.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The follower's decisions as a table: what Swarm shows on each poll, and the outcome it must lead to. */
class SwarmUpdateFollowerTest {
    static final Digest OLD = Digest.parse("sha256:" + "a".repeat(64));
    static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    static final Digest OTHER = Digest.parse("sha256:" + "c".repeat(64));
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One poll: the service's UpdateStatus, the digest its spec pins, and its tasks; or the service gone. */
    record Poll(String state, String message, Digest spec, List<SwarmTask> tasks, boolean gone, boolean engineError) {}

    record Row(
            String name,
            SwarmService.Mode mode,
            List<Poll> polls,
            Result result,
            int running,
            int desired,
            String messageContains,
            int pollsUsed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Poll poll(String state, String message, Digest spec, SwarmTask... tasks) {
        return new Poll(state, message, spec, List.of(tasks), false, false);
    }

    static Poll gone() {
        return new Poll(null, "", NEW, List.of(), true, false);
    }

    static Poll engineError() {
        return new Poll(null, "", NEW, List.of(), false, true);
    }

    /** A task in slot {@code slot} (0: global, by node) on {@code digest}. */
    static SwarmTask task(int slot, String node, Digest digest, String state, String desired, String error) {
        return new SwarmTask(
                "t-" + slot + "-" + node + "-" + digest.shortForm() + "-" + state,
                "svc-id",
                slot == 0 ? OptionalInt.empty() : OptionalInt.of(slot),
                node,
                desired,
                state,
                state,
                error,
                "127.0.0.1:5000/acme/web:main@" + digest,
                Optional.of(Instant.parse("2026-01-01T00:00:00Z")));
    }

    static SwarmTask running(int slot, Digest digest) {
        return task(slot, "n1", digest, "running", "running", "");
    }

    static SwarmTask shutdown(int slot, Digest digest) {
        return task(slot, "n1", digest, "shutdown", "shutdown", "");
    }

    static Stream<Row> table() {
        SwarmService.Mode rep = SwarmService.Mode.REPLICATED;
        return Stream.of(
                new Row(
                        "completed once every replica runs the new digest",
                        rep,
                        List.of(
                                poll(null, "", NEW, running(1, OLD), running(2, OLD)),
                                poll("updating", "update in progress", NEW, running(1, NEW), running(2, OLD)),
                                poll(
                                        "updating",
                                        "update in progress",
                                        NEW,
                                        running(1, NEW),
                                        running(2, NEW),
                                        shutdown(2, OLD)),
                                poll("completed", "update completed", NEW, running(1, NEW), running(2, NEW))),
                        Result.DEPLOYED,
                        2,
                        2,
                        "update completed",
                        4),
                new Row(
                        "completed with a replica still starting waits for it",
                        rep,
                        List.of(
                                poll(
                                        "completed",
                                        "update completed",
                                        NEW,
                                        running(1, NEW),
                                        task(2, "n1", NEW, "starting", "running", "")),
                                poll("completed", "update completed", NEW, running(1, NEW), running(2, NEW))),
                        Result.DEPLOYED,
                        2,
                        2,
                        "",
                        2),
                new Row(
                        "no status but every task already on the digest: an update that changed no task",
                        rep,
                        List.of(poll(null, "", NEW, running(1, NEW), running(2, NEW))),
                        Result.DEPLOYED,
                        2,
                        2,
                        "",
                        1),
                new Row(
                        "rollback completed reports Swarm's reason and the failed task",
                        rep,
                        List.of(
                                poll("updating", "update in progress", NEW, running(1, OLD), running(2, OLD)),
                                poll(
                                        "rollback_started",
                                        "update rolled back due to failure or early termination of task t9",
                                        OLD,
                                        running(1, OLD),
                                        running(2, OLD),
                                        task(1, "n1", NEW, "failed", "shutdown", "task: non-zero exit (1)")),
                                poll(
                                        "rollback_completed",
                                        "rollback completed",
                                        OLD,
                                        running(1, OLD),
                                        running(2, OLD))),
                        Result.ROLLED_BACK,
                        0,
                        2,
                        "early termination of task t9 (rollback completed)",
                        3),
                new Row(
                        "paused is reported at once, never waited out",
                        rep,
                        List.of(
                                poll("updating", "update in progress", NEW, running(1, OLD), running(2, OLD)),
                                poll(
                                        "paused",
                                        "update paused due to failure or early termination of task t3",
                                        NEW,
                                        running(1, OLD),
                                        running(2, OLD)),
                                poll("updating", "never read", NEW, running(1, NEW), running(2, NEW))),
                        Result.PAUSED,
                        0,
                        2,
                        "update paused due to failure",
                        2),
                new Row(
                        "a paused rollback is a pause too",
                        rep,
                        List.of(poll("rollback_paused", "rollback paused", OLD, running(1, OLD), running(2, OLD))),
                        Result.PAUSED,
                        0,
                        2,
                        "rollback paused",
                        1),
                new Row(
                        "still updating at the deadline times out with Swarm's state",
                        rep,
                        List.of(poll("updating", "update in progress", NEW, running(1, NEW), running(2, OLD))),
                        Result.TIMED_OUT,
                        1,
                        2,
                        "(Swarm: updating, update in progress)",
                        31),
                new Row(
                        "completed but a replica keeps failing times out with the task's error",
                        rep,
                        List.of(poll(
                                "completed",
                                "update completed",
                                NEW,
                                running(1, NEW),
                                task(2, "n1", NEW, "failed", "shutdown", "task: non-zero exit (1)"))),
                        Result.TIMED_OUT,
                        1,
                        2,
                        "completed",
                        31),
                new Row(
                        "the service removed during the update fails",
                        rep,
                        List.of(poll("updating", "", NEW, running(1, OLD)), gone()),
                        Result.FAILED,
                        0,
                        1,
                        "removed",
                        2),
                new Row(
                        "another writer's image fails the update",
                        rep,
                        List.of(
                                poll("updating", "update in progress", NEW, running(1, OLD)),
                                poll("updating", "update in progress", OTHER, running(1, OLD))),
                        Result.FAILED,
                        0,
                        1,
                        "changed by another writer to 127.0.0.1:5000/acme/web:main@" + OTHER,
                        2),
                new Row(
                        "an engine error on one poll is looked past",
                        rep,
                        List.of(
                                poll("updating", "", NEW, running(1, OLD)),
                                engineError(),
                                poll("completed", "update completed", NEW, running(1, NEW))),
                        Result.DEPLOYED,
                        1,
                        1,
                        "",
                        3),
                new Row(
                        "an unknown state from a newer engine is waited on",
                        rep,
                        List.of(
                                poll("reticulating", "", NEW, running(1, NEW)),
                                poll("completed", "update completed", NEW, running(1, NEW))),
                        Result.DEPLOYED,
                        1,
                        1,
                        "",
                        2),
                new Row(
                        "global: desired is one task per node that runs the service",
                        SwarmService.Mode.GLOBAL,
                        List.of(
                                poll(
                                        "updating",
                                        "update in progress",
                                        NEW,
                                        task(0, "n1", NEW, "running", "running", ""),
                                        task(0, "n2", OLD, "running", "running", ""),
                                        task(0, "n3", OLD, "running", "running", "")),
                                poll(
                                        "completed",
                                        "update completed",
                                        NEW,
                                        task(0, "n1", NEW, "running", "running", ""),
                                        task(0, "n2", NEW, "running", "running", ""),
                                        task(0, "n2", OLD, "shutdown", "shutdown", ""),
                                        task(0, "n3", NEW, "running", "running", ""))),
                        Result.DEPLOYED,
                        3,
                        3,
                        "",
                        2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void followsSwarmToItsOutcome(Row row) throws Exception {
        ScriptedSwarm swarm = new ScriptedSwarm(row.mode(), row.polls());
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<Duration> sleeps = new ArrayList<>();
        Sleeper sleeper = d -> {
            sleeps.add(d);
            clock.advance(d);
        };

        SwarmUpdateOutcome outcome = new SwarmUpdateFollower(swarm, clock, sleeper, POLL).follow("web", NEW, TIMEOUT);

        assertThat(outcome.result()).as(outcome.message()).isEqualTo(row.result());
        assertThat(outcome.runningOnTarget()).as("running on the new digest").isEqualTo(row.running());
        assertThat(outcome.desired()).as("desired").isEqualTo(row.desired());
        assertThat(outcome.message()).contains(row.messageContains());
        assertThat(swarm.polls).as("polls").isEqualTo(row.pollsUsed());
        assertThat(outcome.elapsed()).isEqualTo(POLL.multipliedBy(row.pollsUsed() - 1));
        assertThat(sleeps).allMatch(d -> d.compareTo(POLL) <= 0);
        assertThat(outcome.target()).isEqualTo(NEW);
    }

    @Test
    void rolledBackOutcomeCarriesTheFailedTasksError() throws Exception {
        Row rollback = table().filter(r -> r.result() == Result.ROLLED_BACK)
                .findFirst()
                .orElseThrow();
        MutableClock clock = new MutableClock(Instant.EPOCH);

        SwarmUpdateOutcome outcome = new SwarmUpdateFollower(
                        new ScriptedSwarm(rollback.mode(), rollback.polls()), clock, clock::advance, POLL)
                .follow("web", NEW, TIMEOUT);

        assertThat(outcome.taskError()).contains("failed: task: non-zero exit (1)");
        assertThat(outcome.swarmState()).isEqualTo("rollback_completed");
    }

    @Test
    void theLastWaitIsCutToTheDeadline() throws Exception {
        MutableClock clock = new MutableClock(Instant.EPOCH);
        List<Duration> sleeps = new ArrayList<>();
        ScriptedSwarm swarm =
                new ScriptedSwarm(SwarmService.Mode.REPLICATED, List.of(poll("updating", "", NEW, running(1, OLD))));

        SwarmUpdateOutcome outcome = new SwarmUpdateFollower(
                        swarm,
                        clock,
                        d -> {
                            sleeps.add(d);
                            clock.advance(d);
                        },
                        Duration.ofSeconds(4))
                .follow("web", NEW, Duration.ofSeconds(10));

        assertThat(outcome.result()).isEqualTo(Result.TIMED_OUT);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(2));
        assertThat(outcome.elapsed()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesANonPositivePollInterval() {
        MutableClock clock = new MutableClock(Instant.EPOCH);
        assertThatThrownBy(() -> new SwarmUpdateFollower(
                        new ScriptedSwarm(SwarmService.Mode.REPLICATED, List.of()),
                        clock,
                        clock::advance,
                        Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Answers each poll from the script; the last entry repeats. */
    static final class ScriptedSwarm implements SwarmView {
        private final SwarmService.Mode mode;
        private final List<Poll> script;
        int polls;
        private Poll current;

        ScriptedSwarm(SwarmService.Mode mode, List<Poll> script) {
            this.mode = mode;
            this.script = script;
        }

        @Override
        public Optional<SwarmService> inspectService(String nameOrId) {
            current = script.get(Math.min(polls, script.size() - 1));
            polls++;
            if (current.engineError()) {
                throw new SwarmApiException("cannot inspect service web: HTTP 500: rpc error: leader changed", 500);
            }
            if (current.gone()) {
                return Optional.empty();
            }
            Optional<SwarmUpdateStatus> status = current.state() == null
                    ? Optional.empty()
                    : Optional.of(SwarmUpdateStatus.of(
                            current.state(), current.message(), Optional.empty(), Optional.empty()));
            return Optional.of(new SwarmService(
                    "svc-id",
                    "web",
                    10 + polls,
                    mode,
                    mode == SwarmService.Mode.GLOBAL ? OptionalLong.empty() : OptionalLong.of(countSlots()),
                    "127.0.0.1:5000/acme/web:main@" + current.spec(),
                    SwarmUpdateConfig.none(),
                    status,
                    JsonNodeFactory.instance.objectNode()));
        }

        /** Replicas: the highest slot any poll of the script uses. */
        private long countSlots() {
            return script.stream()
                    .flatMap(p -> p.tasks().stream())
                    .mapToInt(t -> t.slot().orElse(0))
                    .max()
                    .orElse(1);
        }

        @Override
        public List<SwarmTask> tasks(String serviceId) {
            assertThat(serviceId).isEqualTo("svc-id");
            return current.tasks();
        }
    }
}
