package io.redeploy.agent.policy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A plain-format {@code pg_dump} ends with {@code -- PostgreSQL database dump complete} ({@code pg_dumpall}: {@code --
 * PostgreSQL database cluster dump complete}); a dump cut short (the server went away, the disk filled, pg_dump was
 * killed while its pipe stayed open) lacks it even when the command exits 0 through a shell. A saved output whose
 * command is a plain pg_dump must end with it, or it is not kept as a backup. Custom, directory and tar formats
 * (binary) have no such trailer and are not checked, nor is a pipeline ({@code pg_dump ... | ...}), whose output is
 * not pg_dump's own.
 */
final class DumpTrailer {
    static final String DUMP = "-- PostgreSQL database dump complete";
    static final String CLUSTER = "-- PostgreSQL database cluster dump complete";
    /** The trailer is followed by at most a few blank lines; keep a little more than it. */
    static final int TAIL_BYTES = 512;

    private static final Pattern BINARY_FORMAT =
            Pattern.compile("(^|\\s)(-F\\s*[cdt]|--format[=\\s]+(c|d|t|custom|directory|tar))(\\s|$)");

    private DumpTrailer() {}

    /** The trailer the command's output must end with; empty when it is no plain-format pg_dump. */
    static Optional<String> expected(List<String> command) {
        String line = String.join(" ", command);
        String lower = line.toLowerCase(Locale.ROOT);
        if (BINARY_FORMAT.matcher(line).find() || line.contains("|")) {
            return Optional.empty(); // binary formats have no trailer; a pipeline's output is not pg_dump's own
        }
        if (lower.contains("pg_dumpall")) {
            return Optional.of(CLUSTER);
        }
        return lower.contains("pg_dump") ? Optional.of(DUMP) : Optional.empty();
    }

    /**
     * True when {@code trailer} is the last line that says anything: after it come only blank lines, {@code --}
     * comment frames and the {@code \\unrestrict} line that pg_dump writes last since PostgreSQL 17.6 / 16.10.
     */
    static boolean endsWith(byte[] tail, String trailer) {
        String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.equals("--") || line.startsWith("\\unrestrict ")) {
                continue;
            }
            return line.equals(trailer);
        }
        return false;
    }

    /** Passes everything through and remembers the last {@link #TAIL_BYTES} bytes. */
    static final class Tail extends FilterOutputStream {
        private final byte[] ring = new byte[TAIL_BYTES];
        private long written;

        Tail(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            ring[(int) (written++ % TAIL_BYTES)] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            // Byte number k of the stream sits at ring[k % TAIL_BYTES]; only the last TAIL_BYTES can matter.
            int skip = Math.max(0, len - TAIL_BYTES);
            written += skip;
            for (int i = off + skip; i < off + len; i++) {
                ring[(int) (written++ % TAIL_BYTES)] = b[i];
            }
        }

        byte[] tail() {
            int size = (int) Math.min(written, TAIL_BYTES);
            byte[] tail = new byte[size];
            for (int i = 0; i < size; i++) {
                tail[i] = ring[(int) ((written - size + i) % TAIL_BYTES)];
            }
            return tail;
        }
    }
}
