package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit history: append-only JSON lines under {@code <stateDir>/history/}, one record per line, each forced to
 * disk (fsync) before {@link #append} returns. Files are {@code audit-000001.jsonl}, ...; a file that reaches
 * {@code maxFileBytes} is closed and a new one started, and the oldest files are deleted only while the others still
 * hold at least {@code keepRecords} records.
 *
 * <p>A crash (kill -9, power loss) in the middle of a write can leave a last line without its newline: it is cut off
 * when the log is opened (event {@code history.torn_record}), and any line that is not a whole record is skipped when
 * reading. A write failure (disk full) is logged and does not stop the deploy it describes.
 */
public final class AuditLog implements AutoCloseable {
    public static final String DIR = "history";
    /** Rotation size: about 3,000 records of ~300 bytes. */
    public static final long DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
    /** Records kept across the files at the least; a rotation never deletes below this. */
    public static final int DEFAULT_KEEP_RECORDS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final Pattern FILE = Pattern.compile("audit-(\\d{6,})\\.jsonl");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final long maxFileBytes;
    private final int keepRecords;
    /** File number to the records it holds, oldest file first. */
    private final TreeMap<Integer, Integer> files;

    private FileChannel active;
    private long lastSeq;
    /** No file existed when the log was opened: the first start with an audit history. */
    private final boolean startedEmpty;

    private AuditLog(Path dir, long maxFileBytes, int keepRecords, TreeMap<Integer, Integer> files, long lastSeq) {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.keepRecords = keepRecords;
        this.files = files;
        this.lastSeq = lastSeq;
        this.startedEmpty = files.isEmpty();
    }

    public static AuditLog open(Path stateDir) {
        return open(stateDir.resolve(DIR), DEFAULT_MAX_FILE_BYTES, DEFAULT_KEEP_RECORDS);
    }

    /** @throws StateException when the directory cannot be created or read */
    static AuditLog open(Path dir, long maxFileBytes, int keepRecords) {
        try {
            Files.createDirectories(dir);
            TreeMap<Integer, Integer> files = new TreeMap<>();
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "audit-*.jsonl")) {
                for (Path file : listing) {
                    Matcher m = FILE.matcher(file.getFileName().toString());
                    if (m.matches()) {
                        files.put(Integer.parseInt(m.group(1)), 0);
                    }
                }
            }
            long lastSeq = 0;
            for (Map.Entry<Integer, Integer> file : files.entrySet()) {
                Path path = dir.resolve(name(file.getKey()));
                if (file.getKey().equals(files.lastKey())) {
                    cutTornTail(path);
                }
                List<AuditRecord> records = readFile(path);
                file.setValue(records.size());
                for (AuditRecord r : records) {
                    lastSeq = Math.max(lastSeq, r.seq());
                }
            }
            return new AuditLog(dir, maxFileBytes, keepRecords, files, lastSeq);
        } catch (IOException e) {
            throw new StateException("cannot open the audit history in " + dir + ": " + e, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** True when no audit file existed at open (a new install, or the first start of a version that writes one). */
    public boolean startedEmpty() {
        return startedEmpty;
    }

    /** Appends {@code record} with the next number, forced to disk; returns it numbered. */
    public synchronized AuditRecord append(AuditRecord record) {
        AuditRecord numbered = record.numbered(lastSeq + 1);
        byte[] line = (numbered.toJson().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            FileChannel channel = activeChannel();
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            lastSeq = numbered.seq();
            files.merge(files.lastKey(), 1, Integer::sum);
            if (channel.size() >= maxFileBytes) {
                rotate();
            }
        } catch (IOException | RuntimeException e) {
            Event.error(log, "history.write_failed")
                    .with("dir", dir)
                    .with("error", String.valueOf(e))
                    .log();
            closeActive();
        }
        return numbered;
    }

    /** What {@link #read} returns: records newest first, and the cursor of the next (older) page, if there is one. */
    public record Page(List<AuditRecord> records, Optional<Long> next) {
        public Page {
            records = List.copyOf(records);
        }
    }

    /**
     * Records newest first: of one service (or all), not before {@code since}, numbered below {@code before} (the
     * cursor of a previous page), at most {@code limit}.
     */
    public synchronized Page read(Optional<String> service, Optional<Instant> since, Optional<Long> before, int limit) {
        List<AuditRecord> page = new ArrayList<>();
        for (Integer number : files.descendingKeySet()) {
            List<AuditRecord> records;
            try {
                records = readFile(dir.resolve(name(number)));
            } catch (IOException e) {
                Event.warn(log, "history.read_failed")
                        .with("file", name(number))
                        .with("error", String.valueOf(e))
                        .log();
                continue;
            }
            for (int i = records.size() - 1; i >= 0; i--) {
                AuditRecord r = records.get(i);
                if (before.isPresent() && r.seq() >= before.get()) {
                    continue;
                }
                if (since.isPresent() && r.at().isBefore(since.get())) {
                    // Records are appended in time order: nothing older can match.
                    return new Page(page, Optional.empty());
                }
                if (service.isPresent() && !service.get().equals(r.service())) {
                    continue;
                }
                if (page.size() == limit) {
                    return new Page(page, Optional.of(page.get(page.size() - 1).seq()));
                }
                page.add(r);
            }
        }
        return new Page(page, Optional.empty());
    }

    /** Records across all files, for tests and the rotation rule. */
    synchronized int size() {
        return files.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int fileCount() {
        return files.size();
    }

    @Override
    public synchronized void close() {
        closeActive();
    }

    private FileChannel activeChannel() throws IOException {
        if (active == null) {
            if (files.isEmpty()) {
                files.put(1, 0);
            }
            active = FileChannel.open(
                    dir.resolve(name(files.lastKey())),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            AtomicFile.fsyncDirectory(dir); // a new file's name must survive a crash as well
        }
        return active;
    }

    private void rotate() throws IOException {
        closeActive();
        files.put(files.lastKey() + 1, 0);
        // Oldest first, and only while what stays holds enough records.
        while (files.size() > 1 && size() - files.firstEntry().getValue() >= keepRecords) {
            int oldest = files.firstKey();
            Files.deleteIfExists(dir.resolve(name(oldest)));
            files.remove(oldest);
        }
        Event.info(log, "history.rotated")
                .with("dir", dir)
                .with("files", files.size())
                .with("records", size())
                .log();
    }

    private void closeActive() {
        if (active != null) {
            try {
                active.close();
            } catch (IOException ignored) {
                // Every record was forced when written; nothing is lost.
            }
            active = null;
        }
    }

    private static String name(int number) {
        return String.format("audit-%06d.jsonl", number);
    }

    /** A last line without its newline is a write a crash cut short: it is removed so the next record starts clean. */
    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                return;
            }
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                channel.truncate(keep);
                channel.force(true);
                Event.warn(log, "history.torn_record")
                        .with("file", file)
                        .with("bytes_dropped", size - keep)
                        .log();
            }
        }
    }

    /** The whole records of one file in order; lines that are not (torn, edited) are skipped. */
    private static List<AuditRecord> readFile(Path file) throws IOException {
        List<AuditRecord> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int start = 0;
        while (start < content.length()) {
            int end = content.indexOf('\n', start);
            if (end < 0) {
                break; // no newline: the write of this line never finished
            }
            String line = content.substring(start, end);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                AuditRecord.fromJson(MAPPER.readTree(line)).ifPresent(records::add);
            } catch (IOException notJson) {
                // skipped: a line that is not a record is never a reason to lose the others
            }
        }
        return records;
    }
}
