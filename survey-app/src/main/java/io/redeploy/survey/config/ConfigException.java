package io.redeploy.survey.config;

/** A missing or malformed environment variable; the message names the variable, never its value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
