package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading {@code state.json} at start-up: the directory is created when missing, temp files a crash left are removed,
 * and a file that cannot be understood is set aside as {@code state.json.corrupt-<UTC time>} rather than stopping the
 * agent.
 */
final class StateFile {
    private static final Logger log = LoggerFactory.getLogger(StateFile.class);
    private static final DateTimeFormatter SUFFIX =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private StateFile() {}

    /** @throws StateException when the directory cannot be created or the file cannot be read or set aside */
    static Map<String, ServiceState> load(Path stateDir, Path file, ObjectMapper mapper, Clock clock) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new StateException("cannot create state directory " + stateDir + ": " + e, e);
        }
        removeLeftoverTempFiles(stateDir);
        return read(file, mapper, clock);
    }

    private static Map<String, ServiceState> read(Path file, ObjectMapper mapper, Clock clock) {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StateException("cannot read state file " + file + ": " + e, e);
        }
        try {
            return new TreeMap<>(StateJson.parseFile(content, mapper));
        } catch (CorruptStateException e) {
            Path movedTo = setAside(file, clock);
            Event.warn(log, "state.corrupt")
                    .with("file", file)
                    .with("moved_to", movedTo)
                    .reason(e.getMessage())
                    .log();
            return new TreeMap<>();
        }
    }

    private static Path setAside(Path file, Clock clock) {
        String base = file.getFileName() + ".corrupt-" + SUFFIX.format(clock.instant());
        Path target = file.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = file.resolveSibling(base + "-" + n);
        }
        try {
            Files.move(file, target);
            AtomicFile.fsyncDirectory(file.toAbsolutePath().getParent());
            return target;
        } catch (IOException e) {
            throw new StateException("state file " + file + " is corrupt and cannot be set aside: " + e, e);
        }
    }

    /** Temp files are only left by a crash between create and rename; they never hold the current state. */
    private static void removeLeftoverTempFiles(Path stateDir) {
        try (DirectoryStream<Path> temps =
                Files.newDirectoryStream(stateDir, StateStore.FILE_NAME + AtomicFile.TEMP_INFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
                Event.info(log, "state.temp_removed").with("file", temp).log();
            }
        } catch (IOException e) {
            Event.warn(log, "state.temp_cleanup_failed")
                    .with("dir", stateDir)
                    .with("error", String.valueOf(e))
                    .log();
        }
    }
}
