package io.redeploy.agent.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends records as fast as it can and is killed with SIGKILL in the middle: every record it wrote is
 * whole and numbered without a gap, whatever the moment of the kill, and the log goes on where it stopped.
 */
class AuditLogKillTest {
    @TempDir
    Path stateDir;

    /** The writer: {@code java ... AuditLogKillTest$Writer <stateDir>} appends until killed. */
    public static final class Writer {
        public static void main(String[] args) {
            // Small files: the kill may also land in a rotation.
            try (AuditLog log = AuditLog.open(Path.of(args[0]).resolve(AuditLog.DIR), 64 * 1024, 500)) {
                for (int i = 0; ; i++) {
                    log.append(AuditRecord.of(
                            Instant.now(),
                            "web",
                            AuditRecord.DEPLOY,
                            "deployed",
                            "",
                            "sha256:" + i,
                            "agent",
                            "x".repeat(i % 300)));
                }
            }
        }
    }

    @Test
    void killedWhileWritingEveryRecordIsWholeAndTheNumberingGoesOn() throws Exception {
        for (int round = 1; round <= 3; round++) {
            Process writer = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Writer.class.getName(),
                            stateDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(stateDir.resolve("writer-" + round + ".log").toFile())
                    .start();
            try {
                awaitLines(writer, 200 * round);
            } finally {
                writer.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                writer.waitFor(30, TimeUnit.SECONDS);
            }
            try (AuditLog log = AuditLog.open(stateDir.resolve(AuditLog.DIR), 64 * 1024, 500)) {
                List<AuditRecord> all = readAll(log);
                assertThat(all).as("round %d", round).isNotEmpty();
                for (int i = 0; i + 1 < all.size(); i++) {
                    assertThat(all.get(i).seq()).isEqualTo(all.get(i + 1).seq() + 1);
                }
                long last = all.get(0).seq();
                assertThat(log.append(AuditRecord.of(Instant.now(), "web", "hold", "held", "", "", "it", ""))
                                .seq())
                        .isEqualTo(last + 1);
                System.out.println("round " + round + ": " + all.size() + " records kept, last " + last);
            }
        }
    }

    private static List<AuditRecord> readAll(AuditLog log) {
        List<AuditRecord> all = new java.util.ArrayList<>();
        AuditLog.Page page = log.read(Optional.empty(), Optional.empty(), Optional.empty(), 1000);
        all.addAll(page.records());
        while (page.next().isPresent()) {
            page = log.read(Optional.empty(), Optional.empty(), page.next(), 1000);
            all.addAll(page.records());
        }
        return all;
    }

    /** Until the log holds more than {@code lines} lines across its files (the writer is then mid-stream). */
    private void awaitLines(Process writer, int lines) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!writer.isAlive()) {
                throw new AssertionError("the writer exited: " + Files.readString(stateDir.resolve("writer-1.log")));
            }
            Path dir = stateDir.resolve(AuditLog.DIR);
            long count = 0;
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        count += Files.readAllBytes(f).length / 100;
                    }
                }
            }
            if (count > lines) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the writer wrote too little in 60 s");
    }
}
