package io.redeploy.agent.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path stateDir;

    private static AuditRecord record(int n, String service) {
        return AuditRecord.of(
                T0.plusSeconds(n), service, AuditRecord.DEPLOY, "deployed", "", "sha256:" + n, "agent", "build " + n);
    }

    private static List<Long> seqs(AuditLog.Page page) {
        return page.records().stream().map(AuditRecord::seq).toList();
    }

    @Test
    void recordsAreNumberedAndReadNewestFirstAPageAtATime() {
        try (AuditLog log = AuditLog.open(stateDir)) {
            for (int i = 1; i <= 5; i++) {
                log.append(record(i, i % 2 == 0 ? "db" : "web"));
            }
            AuditLog.Page first = log.read(Optional.empty(), Optional.empty(), Optional.empty(), 2);
            assertThat(seqs(first)).containsExactly(5L, 4L);
            assertThat(first.next()).contains(4L);
            AuditLog.Page second = log.read(Optional.empty(), Optional.empty(), first.next(), 2);
            assertThat(seqs(second)).containsExactly(3L, 2L);
            AuditLog.Page last = log.read(Optional.empty(), Optional.empty(), second.next(), 2);
            assertThat(seqs(last)).containsExactly(1L);
            assertThat(last.next()).isEmpty();

            assertThat(seqs(log.read(Optional.of("web"), Optional.empty(), Optional.empty(), 10)))
                    .containsExactly(5L, 3L, 1L);
            assertThat(seqs(log.read(Optional.empty(), Optional.of(T0.plusSeconds(4)), Optional.empty(), 10)))
                    .containsExactly(5L, 4L);
        }
        assertThat(stateDir.resolve("history/audit-000001.jsonl")).exists();
    }

    @Test
    void numberingGoesOnAfterAReopen() {
        try (AuditLog log = AuditLog.open(stateDir)) {
            log.append(record(1, "web"));
            log.append(record(2, "web"));
        }
        try (AuditLog log = AuditLog.open(stateDir)) {
            assertThat(log.append(record(3, "web")).seq()).isEqualTo(3);
            assertThat(seqs(log.read(Optional.empty(), Optional.empty(), Optional.empty(), 10)))
                    .containsExactly(3L, 2L, 1L);
        }
    }

    /** What kill -9 in the middle of a write leaves: a last line without its end. */
    @Test
    void aTornLastLineIsSkippedAndCutBeforeTheNextRecord() throws IOException {
        Path file = stateDir.resolve("history/audit-000001.jsonl");
        try (AuditLog log = AuditLog.open(stateDir)) {
            log.append(record(1, "web"));
            log.append(record(2, "web"));
        }
        String whole = Files.readString(file);
        String torn = record(3, "web").numbered(3).toJson().toString();
        Files.writeString(file, torn.substring(0, torn.length() / 2), StandardOpenOption.APPEND);

        try (AuditLog log = AuditLog.open(stateDir)) {
            assertThat(Files.readString(file)).isEqualTo(whole);
            assertThat(seqs(log.read(Optional.empty(), Optional.empty(), Optional.empty(), 10)))
                    .containsExactly(2L, 1L);
            assertThat(log.append(record(3, "web")).seq()).isEqualTo(3);
        }
        try (AuditLog log = AuditLog.open(stateDir)) {
            assertThat(seqs(log.read(Optional.empty(), Optional.empty(), Optional.empty(), 10)))
                    .containsExactly(3L, 2L, 1L);
        }
    }

    @Test
    void aLineThatIsNotARecordIsSkippedOnRead() throws IOException {
        Path file = stateDir.resolve("history/audit-000001.jsonl");
        try (AuditLog log = AuditLog.open(stateDir)) {
            log.append(record(1, "web"));
        }
        Files.writeString(file, "{\"seq\": 2, \"at\": \"not a time\"}\nnot json\n\n", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(stateDir)) {
            log.append(record(2, "web"));
            assertThat(log.read(Optional.empty(), Optional.empty(), Optional.empty(), 10)
                            .records())
                    .extracting(AuditRecord::reason)
                    .containsExactly("build 2", "build 1");
        }
    }

    @Test
    void rotationBySizeKeepsAtLeastTheRecordsAskedFor() throws IOException {
        Path dir = stateDir.resolve("history");
        try (AuditLog log = AuditLog.open(dir, 2_000, 30)) {
            for (int i = 1; i <= 200; i++) {
                log.append(record(i, "web"));
            }
            assertThat(log.fileCount()).isGreaterThan(1);
            assertThat(log.size()).isBetween(30, 60);
            List<AuditRecord> all = new ArrayList<>();
            AuditLog.Page page = log.read(Optional.empty(), Optional.empty(), Optional.empty(), 7);
            all.addAll(page.records());
            while (page.next().isPresent()) {
                page = log.read(Optional.empty(), Optional.empty(), page.next(), 7);
                all.addAll(page.records());
            }
            assertThat(all).hasSize(log.size());
            assertThat(all.get(0).seq()).isEqualTo(200);
            assertThat(all).extracting(AuditRecord::seq).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.allMatch(f -> f.toFile().length() <= 2_000 + 400)).isTrue();
        }
        try (AuditLog reopened = AuditLog.open(dir, 2_000, 30)) {
            assertThat(reopened.append(record(201, "web")).seq()).isEqualTo(201);
        }
    }

    @Test
    void theDefaultsKeepTenThousandRecords() {
        assertThat(AuditLog.DEFAULT_KEEP_RECORDS).isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void aRecordIsOneJsonLine() throws IOException {
        try (AuditLog log = AuditLog.open(stateDir)) {
            log.append(AuditRecord.of(T0, "web", AuditRecord.HOLD, "held", "", "", "alice", "line\nbreak \"quoted\""));
        }
        List<String> lines = Files.readAllLines(stateDir.resolve("history/audit-000001.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("{\"seq\":1,").contains("\"by\":\"alice\"");
    }

    @Test
    void theFirstStartCopiesTheDeploysStateJsonRemembers() {
        StateStore state = StateStore.open(stateDir, java.time.Clock.systemUTC());
        state.recordDeploy(
                "web", new DeployRecord("", "sha256:1", T0, java.time.Duration.ZERO, DeployRecord.DEPLOYED, ""));
        state.recordDeploy(
                "db", new DeployRecord("", "sha256:2", T0.plusSeconds(5), java.time.Duration.ZERO, "failed", "pull"));
        try (AuditLog log = AuditLog.open(stateDir)) {
            assertThat(HistoryImport.fromStateFile(state, log)).isEqualTo(2);
            assertThat(log.read(Optional.empty(), Optional.empty(), Optional.empty(), 10)
                            .records())
                    .extracting(r -> r.service() + " " + r.outcome() + " " + r.reason())
                    .containsExactly("db failed pull (copied from state.json)", "web deployed copied from state.json");
        }
        try (AuditLog again = AuditLog.open(stateDir)) {
            assertThat(HistoryImport.fromStateFile(state, again)).isZero();
            assertThat(again.size()).isEqualTo(2);
        }
    }
}
