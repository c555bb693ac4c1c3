package io.redeploy.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private static ObjectNode record(String step) {
        return JsonNodeFactory.instance.objectNode().put("service", "web").put("step", step);
    }

    @Test
    void aRecordIsReadBackUntilItIsRemoved() {
        Journal journal = Journal.open(dir);
        journal.write("web", record("CREATE"));
        journal.write("web", record("START_NEW"));

        assertThat(Journal.open(dir).read("web"))
                .hasValueSatisfying(r -> assertThat(r.get("step").asText()).isEqualTo("START_NEW"));
        journal.remove("web");
        assertThat(Journal.open(dir).read("web")).isEmpty();
    }

    @Test
    void everyCutOffOfARecordIsDetectedAndIgnored() throws Exception {
        Journal journal = Journal.open(dir);
        journal.write("web", record("CREATE"));
        byte[] whole = Files.readAllBytes(dir.resolve("web.json"));
        for (int length = 0; length < whole.length - 1; length++) {
            Files.write(dir.resolve("web.json"), java.util.Arrays.copyOf(whole, length));
            assertThat(journal.read("web")).as("cut at byte %d", length).isEmpty();
        }
    }

    @Test
    void aChangedRecordDoesNotMatchItsChecksum() throws Exception {
        Journal journal = Journal.open(dir);
        journal.write("web", record("CREATE"));
        Path file = dir.resolve("web.json");
        Files.writeString(file, Files.readString(file).replace("CREATE", "RETIRE"));

        assertThat(journal.read("web")).isEmpty();
    }

    @Test
    void tempFilesACrashLeftAreRemovedAtOpen() throws Exception {
        Files.writeString(dir.resolve("web.json" + AtomicFile.TEMP_INFIX + "123"), "half");

        Journal.open(dir);

        assertThat(Files.list(dir).toList()).isEmpty();
    }

    @Test
    void aKeyCannotEscapeTheDirectory() {
        assertThatThrownBy(() -> Journal.open(dir).write("../etc", record("X")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
