package io.redeploy.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheContentAndLeavesOnlyTheTarget() throws IOException {
        Path target = dir.resolve("state.json");
        Files.writeString(target, "old");

        AtomicFile.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

        assertThat(target).hasContent("new");
        assertThat(names()).containsExactly("state.json");
    }

    @Test
    void aWriteThatFailsMidwayLeavesThePreviousContentAndNoTempFile() throws IOException {
        Path target = dir.resolve("state.json");
        Files.writeString(target, "previous");

        assertThatThrownBy(() -> AtomicFile.write(target, out -> {
                    out.write("half".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");

        assertThat(target).hasContent("previous");
        assertThat(names()).containsExactly("state.json");
    }

    @Test
    void anUncheckedFailureIsCleanedUpToo() throws IOException {
        Path target = dir.resolve("state.json");

        assertThatThrownBy(() -> AtomicFile.write(target, out -> {
                    throw new IllegalStateException("bug");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(names()).isEmpty();
    }

    private Stream<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList().stream();
        }
    }
}
