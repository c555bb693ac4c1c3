package io.redeploy.agent.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads and validates the agent's YAML config. Every problem in the file is reported at once, one line each
 * ({@code agent.yml:12: services.web.ports[1]: '80:abc' is not a port mapping; expected ...}), so an operator
 * fixes the file in one pass. Secrets and {@code ${VAR}} references are resolved from the environment given
 * here, never from {@link System#getenv()} directly, so tests control it.
 */
public final class ConfigLoader {
    /** Real configs are a few KiB; anything near this is the wrong file. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public AgentConfig load(Path file) throws ConfigException {
        String source = file.toString();
        String expected = "; expected the agent's YAML config file (--config)";
        try {
            if (Files.isDirectory(file)) {
                throw problem(source, "is a directory" + expected);
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                // Also keeps a mistaken --config (a log, an image) from stalling the YAML scanner for seconds.
                throw problem(source, "file is larger than 1 MiB" + expected);
            }
            return parse(utf8(Files.readAllBytes(file), source), source);
        } catch (NoSuchFileException e) {
            throw problem(source, "file does not exist" + expected);
        } catch (IOException e) {
            throw problem(source, "file cannot be read (" + IoReason.of(e) + ")" + expected);
        }
    }

    /** The text, or a problem naming the line and column of the first byte that is not UTF-8. */
    private static String utf8(byte[] bytes, String source) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            String decoded = out.flip().toString(); // everything before the bad byte
            int line = (int) decoded.chars().filter(c -> c == '\n').count() + 1;
            int column = decoded.length() - decoded.lastIndexOf('\n');
            throw new ConfigException(List.of(String.format(
                    "%s:%d: file is not UTF-8 text: byte 0x%02x at column %d "
                            + "is not valid UTF-8; expected the agent's YAML config file saved as UTF-8",
                    source, line, bytes[in.position()] & 0xff, column)));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** @param sourceName how problem lines name the text, usually its file path */
    public AgentConfig parse(String yaml, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Optional<YamlNode> root = new YamlTreeReader(problems).read(yaml);
        if (root.isEmpty()) {
            problems.throwIfAny(); // a syntax error leaves no tree to validate
        }
        if (root.isEmpty() || root.get() instanceof YamlNode.Scalar s && s.isNull()) {
            throw problem(sourceName, "file is empty; expected YAML settings with at least 'services'");
        }
        Optional<AgentConfig> config = new AgentConfigBinder(environment, problems).bind(root.get());
        problems.throwIfAny();
        return config.orElseThrow(() -> new IllegalStateException("binder returned no config and no problem"));
    }

    private static ConfigException problem(String source, String message) {
        return new ConfigException(List.of(source + ": " + message));
    }
}
