package io.redeploy.agent.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
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
            return parse(Files.readString(file), source);
        } catch (NoSuchFileException e) {
            throw problem(source, "file does not exist" + expected);
        } catch (CharacterCodingException e) {
            throw problem(source, "file is not UTF-8 text" + expected);
        } catch (IOException e) {
            throw problem(source, "file cannot be read (" + IoReason.of(e) + ")" + expected);
        }
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
