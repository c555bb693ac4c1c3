package io.redeploy.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final String IMAGE = "127.0.0.1:5000/team/web:main";
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T18:00:00Z"));

    @Test
    void unknownServiceIsEmpty() {
        StateStore store = StateStore.open(dir, clock);

        assertThat(store.get("web")).isEqualTo(ServiceState.empty("web"));
        assertThat(store.snapshot()).isEmpty();
        assertThat(dir.resolve(StateStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void aHoldSurvivesARestartAndOtherChangesKeepIt() {
        StateStore store = StateStore.open(dir, clock);
        Hold hold = new Hold("alice", clock.instant(), "freeze for the audit");
        store.setHold("web", Optional.of(hold));
        store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(NEW), Check.NEW_DIGEST);
        store.recordDeploy(
                "web", new DeployRecord(OLD, NEW, clock.instant(), Duration.ZERO, DeployRecord.DEPLOYED, ""));
        store.markFailed("web", OLD);

        assertThat(StateStore.open(dir, clock).get("web").hold()).contains(hold);
        assertThat(StateJson.toJson(store.get("web"), false)
                        .get("hold")
                        .get("by")
                        .asText())
                .isEqualTo("alice");

        store.setHold("web", Optional.empty());
        assertThat(StateStore.open(dir, clock).get("web").hold()).isEmpty();
        assertThat(StateJson.toJson(store.get("web"), false).get("hold").isNull())
                .isTrue();
    }

    @Test
    void aFileWrittenBeforeHoldsReadsAsNotHeld() throws IOException {
        Files.writeString(
                dir.resolve(StateStore.FILE_NAME),
                "{\"format\":1,\"services\":{\"web\":{\"image\":\"x\",\"failedDigests\":[]}}}");
        assertThat(StateStore.open(dir, clock).get("web").hold()).isEmpty();
    }

    @Test
    void everythingSurvivesARestart() {
        StateStore store = StateStore.open(dir, clock);
        store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(NEW), Check.NEW_DIGEST);
        DeployRecord deploy =
                new DeployRecord(OLD, NEW, clock.instant(), Duration.ofMillis(12_345), DeployRecord.DEPLOYED, "");
        store.recordDeploy("web", deploy);
        store.markFailed("web", "sha256:" + "c".repeat(64));
        store.recordCheck(
                "db", "postgres:16", Optional.empty(), Optional.empty(), Check.error("registry\nunavailable"));

        StateStore reopened = StateStore.open(dir, clock);

        assertThat(reopened.snapshot()).isEqualTo(store.snapshot());
        ServiceState web = reopened.get("web");
        assertThat(web.image()).isEqualTo(IMAGE);
        assertThat(web.imageName()).isEqualTo("127.0.0.1:5000/team/web");
        assertThat(web.tag()).isEqualTo("main");
        assertThat(web.runningDigest()).contains(NEW);
        assertThat(web.registryDigest()).contains(NEW);
        assertThat(web.lastCheck()).contains(new Check(Instant.parse("2026-11-25T18:00:00Z"), "new-digest"));
        assertThat(web.lastDeploy()).contains(deploy);
        assertThat(web.history()).containsExactly(deploy);
        assertThat(reopened.isFailed("web", "sha256:" + "c".repeat(64))).isTrue();
        assertThat(reopened.get("db").lastCheck().orElseThrow().result()).isEqualTo("error: registry unavailable");
        assertThat(reopened.get("db").tag()).isEqualTo("16");
    }

    @Test
    void aFailedDeployMarksItsTargetAndASuccessClearsIt() {
        StateStore store = StateStore.open(dir, clock);
        store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(NEW), Check.NEW_DIGEST);

        store.recordDeploy(
                "web",
                new DeployRecord(
                        OLD,
                        NEW,
                        clock.instant(),
                        Duration.ofSeconds(30),
                        DeployRecord.ROLLED_BACK,
                        "health check timed out"));
        assertThat(store.isFailed("web", NEW)).isTrue();
        assertThat(store.get("web").runningDigest()).contains(OLD);

        store.recordDeploy(
                "web", new DeployRecord(OLD, NEW, clock.instant(), Duration.ofSeconds(5), DeployRecord.DEPLOYED, ""));
        assertThat(store.isFailed("web", NEW)).isFalse();
        assertThat(store.get("web").runningDigest()).contains(NEW);
        assertThat(store.get("web").history())
                .extracting(DeployRecord::outcome)
                .containsExactly("rolled_back", "deployed");
    }

    @Test
    void clearFailedForgetsFailuresSoTheyAreRetried() {
        StateStore store = StateStore.open(dir, clock);
        store.markFailed("web", NEW);
        store.markFailed("web", NEW);

        assertThat(store.clearFailed("web")).isEqualTo(1);
        assertThat(store.clearFailed("web")).isZero();
        assertThat(StateStore.open(dir, clock).isFailed("web", NEW)).isFalse();
    }

    @Test
    void historyAndFailedDigestsAreBounded() {
        StateStore store = StateStore.open(dir, clock);
        int deploys = StateStore.HISTORY_LIMIT + 7;
        for (int i = 0; i < deploys; i++) {
            store.recordDeploy(
                    "web",
                    new DeployRecord(
                            OLD, digest(i), clock.instant(), Duration.ofSeconds(i), DeployRecord.FAILED, "boom " + i));
            clock.advance(Duration.ofMinutes(1));
        }

        ServiceState web = StateStore.open(dir, clock).get("web");
        assertThat(web.history()).hasSize(StateStore.HISTORY_LIMIT);
        assertThat(web.history().get(0).to()).isEqualTo(digest(7));
        assertThat(web.lastDeploy().orElseThrow().to()).isEqualTo(digest(deploys - 1));
        assertThat(web.failedDigests())
                .hasSize(StateStore.FAILED_DIGESTS_LIMIT)
                .first()
                .isEqualTo(digest(deploys - StateStore.FAILED_DIGESTS_LIMIT));
        assertThat(web.failedDigests()).contains(digest(deploys - 1));
    }

    @Test
    void forgetDropsAService() {
        StateStore store = StateStore.open(dir, clock);
        store.recordCheck("old", IMAGE, Optional.empty(), Optional.empty(), Check.OK);
        store.forget("old");

        assertThat(StateStore.open(dir, clock).snapshot()).isEmpty();
    }

    @Test
    void aCorruptFileIsSetAsideAndAFreshStateStarts() throws IOException {
        Path file = dir.resolve(StateStore.FILE_NAME);
        Files.writeString(file, "{\"format\":1,\"services\":{\"web\":{\"image\":42}}}");

        StateStore store = StateStore.open(dir, clock);

        assertThat(store.snapshot()).isEmpty();
        assertThat(file).doesNotExist();
        Path aside = dir.resolve("state.json.corrupt-20261125T180000Z");
        assertThat(aside).hasContent("{\"format\":1,\"services\":{\"web\":{\"image\":42}}}");

        store.markFailed("web", NEW);
        assertThat(StateStore.open(dir, clock).isFailed("web", NEW)).isTrue();
    }

    @Test
    void everyKindOfCorruptionIsSetAsideWithAUniqueName() throws IOException {
        List<String> corrupt = List.of(
                "",
                "not json",
                "[1,2]",
                "{\"format\":99,\"services\":{}}",
                "{\"format\":1}",
                "{\"format\":1,\"services\":{\"web\":{\"history\":[{\"to\":\"x\"}]}}}",
                "{\"format\":1,\"services\":{\"web\":{\"lastCheck\":{\"at\":\"yesterday\",\"result\":\"ok\"}}}}",
                "{\"format\":1,\"services\":{\"web\":{\"failedDigests\":[1]}}}",
                "{\"format\":1,\"services\":{\"web\":{\"history\":[{\"to\":\"x\",\"at\":\"2026-01-01T00:00:00Z\",\"durationSeconds\":-1,\"outcome\":\"failed\"}]}}}");
        for (String content : corrupt) {
            Files.writeString(dir.resolve(StateStore.FILE_NAME), content);
            assertThat(StateStore.open(dir, clock).snapshot()).as(content).isEmpty();
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(corrupt.size())
                    .allMatch(name -> name.startsWith("state.json.corrupt-20261125T180000Z"));
        }
    }

    @Test
    void writesLeaveNoTempFilesBehindAndOldTempFilesAreRemovedOnOpen() throws IOException {
        Files.writeString(dir.resolve("state.json.tmp-123"), "half a write from a crash");
        StateStore store = StateStore.open(dir, clock);
        store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(OLD), Check.UNCHANGED);
        store.markFailed("web", NEW);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StateStore.FILE_NAME);
        }
    }

    @Test
    void aFailingWriteKeepsThePreviousFileAndTheAgentRunning() throws IOException {
        StateStore healthy = StateStore.open(dir, clock);
        healthy.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(OLD), Check.UNCHANGED);
        byte[] before = Files.readAllBytes(dir.resolve(StateStore.FILE_NAME));

        StateStore failing = StateStore.open(
                dir,
                clock,
                (file, content) -> AtomicFile.write(file, out -> {
                    out.write("{\"format\":1,".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("No space left on device");
                }));
        failing.recordDeploy(
                "web", new DeployRecord(OLD, NEW, clock.instant(), Duration.ofSeconds(3), DeployRecord.DEPLOYED, ""));

        assertThat(failing.get("web").runningDigest()).as("kept in memory").contains(NEW);
        assertThat(dir.resolve(StateStore.FILE_NAME)).hasBinaryContent(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void anUnusableStateDirectoryIsAClearError() throws IOException {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");

        assertThatThrownBy(() -> StateStore.open(notADir.resolve("state"), clock))
                .isInstanceOf(StateException.class)
                .hasMessageContaining("cannot create state directory");
    }

    @Test
    void checksInABatchAreWrittenOnceAtTheEnd() {
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        StateStore store = StateStore.open(dir, clock, (file, content) -> {
            writes.incrementAndGet();
            AtomicFile.write(file, content);
        });

        String answer = store.batchChecks(() -> {
            IntStream.range(0, 100)
                    .forEach(i ->
                            store.recordCheck("s" + i, IMAGE, Optional.of(OLD), Optional.of(OLD), Check.UNCHANGED));
            assertThat(writes).hasValue(0);
            return "done";
        });

        assertThat(answer).isEqualTo("done");
        assertThat(writes).hasValue(1);
        assertThat(StateStore.open(dir, clock).snapshot()).hasSize(100);
    }

    @Test
    void aDeployInsideABatchIsWrittenAtOnceWithThePendingChecks() {
        StateStore store = StateStore.open(dir, clock);
        DeployRecord deploy =
                new DeployRecord(OLD, NEW, clock.instant(), Duration.ofSeconds(3), DeployRecord.DEPLOYED, "");

        store.batchChecks(() -> {
            store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(NEW), Check.NEW_DIGEST);
            store.recordDeploy("web", deploy);
            ServiceState onDisk = StateStore.open(dir, clock).get("web");
            assertThat(onDisk.lastDeploy()).contains(deploy);
            assertThat(onDisk.lastCheck().orElseThrow().result()).isEqualTo(Check.NEW_DIGEST);
            return null;
        });
    }

    @Test
    void aBatchThatRecordedNothingWritesNothing() {
        StateStore store = StateStore.open(dir, clock);

        store.batchChecks(() -> null);

        assertThat(dir.resolve(StateStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void checksAreWrittenEvenWhenTheBatchThrows() {
        StateStore store = StateStore.open(dir, clock);

        assertThatThrownBy(() -> store.batchChecks(() -> {
                    store.recordCheck("web", IMAGE, Optional.of(OLD), Optional.of(OLD), Check.UNCHANGED);
                    throw new IllegalStateException("poll broke");
                }))
                .hasMessage("poll broke");

        assertThat(StateStore.open(dir, clock).get("web").lastCheck()).isPresent();
    }

    private static String digest(int i) {
        return "sha256:" + String.format("%064x", i);
    }
}
