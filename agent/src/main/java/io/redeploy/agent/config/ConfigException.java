package io.redeploy.agent.config;

import java.util.List;

/** Every problem found in a config file, each one line naming the key, the bad value and what is expected. */
public class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
