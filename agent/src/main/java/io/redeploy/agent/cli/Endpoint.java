package io.redeploy.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the agent listens and the token it wants, found as the agent finds them: the address from {@code --url} or
 * the config's {@code http.listen}; the token from {@code REDEPLOY_TOKEN}, else the variable the config names in
 * {@code http.trigger_token_env} (from the environment, or the env file the systemd unit reads), else the file named in
 * {@code http.trigger_token_file}. The read token (for GETs) likewise from {@code REDEPLOY_READ_TOKEN},
 * {@code http.read_token_env} or {@code http.read_token_file}; without one, GETs carry the trigger token, which reads
 * too. No token is ever printed.
 */
record Endpoint(URI base, Optional<String> token, String tokenSource, Optional<String> readToken) {
    static final String TOKEN_ENV = "REDEPLOY_TOKEN";
    static final String READ_TOKEN_ENV = "REDEPLOY_READ_TOKEN";
    static final String DEFAULT_LISTEN = "127.0.0.1:8686";

    /** A problem an operator can fix: a config file that cannot be read, a malformed URL (exit 2). */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return base.toString(); // never the token
    }

    static Endpoint find(Optional<String> url, Path config, Path envFile, Map<String, String> environment)
            throws UsageException {
        JsonNode http = httpSection(config, url.isPresent());
        URI base = url.isPresent()
                ? parseUrl(url.get())
                : fromListen(http.path("listen").asText(DEFAULT_LISTEN));
        if (base == null) {
            throw new UsageException("--url must look like http://127.0.0.1:8686, not '" + url.orElse("") + "'");
        }
        return withToken(base, http, envFile, environment);
    }

    private static Endpoint withToken(URI base, JsonNode http, Path envFile, Map<String, String> environment) {
        Found trigger = lookup(TOKEN_ENV, "trigger_token", http, envFile, environment);
        Found read = lookup(READ_TOKEN_ENV, "read_token", http, envFile, environment);
        return new Endpoint(base, trigger.value(), trigger.source(), read.value());
    }

    private record Found(Optional<String> value, String source) {}

    /** {@code direct} from the environment, else {@code <key>_env} (environment or env file), else {@code <key>_file}. */
    private static Found lookup(
            String direct, String key, JsonNode http, Path envFile, Map<String, String> environment) {
        String given = environment.get(direct);
        if (given != null && !given.isBlank()) {
            return new Found(Optional.of(given.strip()), direct);
        }
        String variable = http.path(key + "_env").asText("");
        if (!variable.isEmpty()) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return new Found(Optional.of(value.strip()), variable);
            }
            Optional<String> fromFile = envFileValue(envFile, variable);
            if (fromFile.isPresent()) {
                return new Found(fromFile, variable + " in " + envFile);
            }
        }
        String file = http.path(key + "_file").asText("");
        if (!file.isEmpty()) {
            try {
                String value =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    return new Found(Optional.of(value), file);
                }
            } catch (IOException | RuntimeException unreadable) {
                // reported as a missing token if the agent asks for one
            }
        }
        String where = direct
                + (variable.isEmpty() ? "" : ", " + variable + " (environment or " + envFile + ")")
                + (file.isEmpty() ? "" : ", " + file);
        return new Found(Optional.empty(), "none found in " + where);
    }

    /** The {@code http:} mapping of the config; empty when the file is absent and not needed (--url given). */
    private static JsonNode httpSection(Path config, boolean urlGiven) throws UsageException {
        if (!Files.isReadable(config)) {
            if (urlGiven || !Files.exists(config)) {
                return new ObjectMapper().createObjectNode(); // the defaults, as the agent would use them
            }
            throw new UsageException("cannot read " + config + " (run with sudo, or give --url)");
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(config.toFile());
            return root == null ? new ObjectMapper().createObjectNode() : root.path("http");
        } catch (IOException e) {
            throw new UsageException(config + " is not valid YAML; check it with --check");
        }
    }

    /** {@code NAME=value} lines as systemd's EnvironmentFile= reads them (quotes removed, comments skipped). */
    static Optional<String> envFileValue(Path envFile, String name) {
        try {
            for (String line : Files.readAllLines(envFile, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || !trimmed.startsWith(name + "=")) {
                    continue;
                }
                String value = trimmed.substring(name.length() + 1).strip();
                if (value.length() >= 2
                        && (value.startsWith("\"") && value.endsWith("\"")
                                || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        } catch (IOException | RuntimeException unreadable) {
            // not there, or only root may read it
        }
        return Optional.empty();
    }

    /** {@code 127.0.0.1:8686}, {@code [::1]:8686}, {@code 0.0.0.0:8686} (asked on loopback). */
    private static URI fromListen(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? listen : listen.substring(0, colon);
        String port = colon < 0 ? "8686" : listen.substring(colon + 1);
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("*")) {
            host = "127.0.0.1";
        } else if (host.equals("[::]") || host.equals("::")) {
            host = "[::1]";
        }
        return URI.create("http://" + host + ":" + port);
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return web && uri.getHost() != null ? uri : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
