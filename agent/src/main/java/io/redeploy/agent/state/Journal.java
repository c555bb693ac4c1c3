package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable intents: one small record per key (a service), written before a step that changes what runs and removed
 * once the work is done, so that after a crash the next start knows exactly what was under way. Each write is atomic
 * (temp file, fsync, rename, fsync of the directory) and carries a SHA-256 of its content: a record that does not
 * match its checksum (a torn write on a file system without atomic rename, a disk error, an edit by hand) is reported
 * once ({@code event=journal.torn}) and ignored, never trusted.
 *
 * <p>File format: the JSON record on the first line, {@code sha256:<hex of that line>} on the second.
 */
public final class Journal {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final String SUFFIX = ".json";
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private Journal(Path dir) {
        this.dir = dir;
    }

    /** The journal in {@code dir}, created when missing; temp files a crash left are removed. */
    public static Journal open(Path dir) {
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*" + AtomicFile.TEMP_INFIX + "*")) {
                for (Path temp : temps) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException e) {
            throw new StateException("cannot open the journal in " + dir + ": " + e, e);
        }
        return new Journal(dir);
    }

    /** Replaces the record of {@code key}; when this returns, it survives a crash. */
    public void write(String key, JsonNode record) {
        String line = record.toString();
        byte[] content = (line + "\nsha256:" + sha256(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFile.write(file(key), out -> out.write(content));
        } catch (IOException e) {
            throw new StateException("cannot write the journal record of " + key + ": " + e, e);
        }
    }

    /** The record of {@code key}; empty when there is none or it is torn (reported). */
    public Optional<JsonNode> read(String key) {
        Path file = file(key);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
            if (lines.length >= 2 && lines[1].equals("sha256:" + sha256(lines[0]))) {
                return Optional.of(JSON.readTree(lines[0]));
            }
            Event.warn(log, "journal.torn")
                    .with("file", file)
                    .reason("the record does not match its checksum; ignored, the containers are judged by name")
                    .log();
        } catch (IOException e) {
            Event.warn(log, "journal.unreadable")
                    .with("file", file)
                    .reason(e.toString())
                    .log();
        }
        return Optional.empty();
    }

    /** Forgets the record of {@code key} (its work is done); durable when this returns. */
    public void remove(String key) {
        try {
            if (Files.deleteIfExists(file(key))) {
                AtomicFile.fsyncDirectory(dir);
            }
        } catch (IOException e) {
            throw new StateException("cannot remove the journal record of " + key + ": " + e, e);
        }
    }

    private Path file(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a journal key: '" + key + "'");
        }
        return dir.resolve(key + SUFFIX);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
