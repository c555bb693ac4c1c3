package io.redeploy.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a secret named {@code <key>} from {@code <key>_env} (an environment variable) or {@code <key>_file}
 * (a file, trimmed). Inline {@code <key>: value} is refused: config files get copied, committed and pasted
 * into tickets, and a refused inline secret costs one edit while a leaked one costs a rotation.
 * No message ever contains a secret value.
 */
final class SecretResolver {
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CONVENTIONAL_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    /** A credential file is a few hundred bytes at most; a huge one is the wrong file. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private final Map<String, String> environment;
    private final EnvInterpolator interpolator;

    SecretResolver(Map<String, String> environment) {
        this.environment = environment;
        this.interpolator = new EnvInterpolator(environment);
    }

    /** The keys a mapping holding secret {@code key} accepts. */
    static java.util.List<String> keysFor(String key) {
        return java.util.List.of(key, key + "_env", key + "_file");
    }

    /** @param what what the secret is, for messages: "registry password", "trigger token" */
    Optional<Secret> resolve(MappingReader reader, String key, String what) {
        Problems problems = reader.problems();
        if (reader.has(key)) {
            problems.add(
                    reader.lineOf(key),
                    reader.pathOf(key),
                    "inline secrets are refused so they never end up " + "in a copied or committed file; expected "
                            + key + "_env: VARIABLE or " + key + "_file: /path");
            return Optional.empty();
        }
        String envKey = key + "_env";
        String fileKey = key + "_file";
        if (reader.has(envKey) && reader.has(fileKey)) {
            problems.add(
                    reader.lineOf(envKey),
                    reader.path(),
                    "both " + envKey + " and " + fileKey + " are set; expected exactly one");
            return Optional.empty();
        }
        if (reader.has(envKey)) {
            return reader.string(envKey, "the name of an environment variable")
                    .flatMap(variable ->
                            fromVariable(variable, reader.lineOf(envKey), reader.pathOf(envKey), what, problems));
        }
        if (reader.has(fileKey)) {
            return reader.string(fileKey, "an absolute file path")
                    .flatMap(file -> fromFile(file, reader.lineOf(fileKey), reader.pathOf(fileKey), what, problems));
        }
        return Optional.empty();
    }

    boolean isSet(String variable) {
        return environment.containsKey(variable);
    }

    /** An override variable such as REDEPLOY_REGISTRY_GHCR_IO_PASSWORD: empty when unset, a problem when empty. */
    Optional<String> override(String variable, int line, String path, Problems problems) {
        String value = environment.get(variable);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            problems.add(
                    line,
                    path,
                    "environment variable '" + variable + "' is set but empty; expected a value or "
                            + "the variable unset");
            return Optional.empty();
        }
        return Optional.of(value.strip());
    }

    private Optional<Secret> fromVariable(String variable, int line, String path, String what, Problems problems) {
        if (!VARIABLE.matcher(variable).matches()) {
            // Not quoted: what was pasted here is often the secret itself.
            problems.add(
                    line,
                    path,
                    "the value is not an environment variable name (not repeated here: it may be the secret "
                            + "itself); expected letters, digits and _, e.g. GHCR_TOKEN");
            return Optional.empty();
        }
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            // Variable names are upper case by convention; anything else may be a token such as ghp_abc123.
            String named = CONVENTIONAL_NAME.matcher(variable).matches()
                    ? "environment variable '" + variable + "'"
                    : "the environment variable named here (not repeated: it is not in upper case and may be the "
                            + "secret itself)";
            problems.add(
                    line,
                    path,
                    named + " is " + (value == null ? "not set" : "empty") + "; expected it to hold the " + what);
            return Optional.empty();
        }
        return Optional.of(new Secret(value.strip()));
    }

    private Optional<Secret> fromFile(String rawFile, int line, String path, String what, Problems problems) {
        String file;
        try {
            // ${CREDENTIALS_DIRECTORY}/ghcr-token reads a systemd LoadCredential= file.
            file = interpolator.expand(rawFile);
        } catch (IllegalArgumentException e) {
            problems.add(line, path, e.getMessage());
            return Optional.empty();
        }
        // Messages quote the path as written: an expanded ${VARIABLE} may be a secret put there by mistake.
        String shown = "'" + rawFile + "'";
        String expected = "; expected a readable file holding the " + what;
        Path location;
        try {
            location = Path.of(file);
        } catch (InvalidPathException e) {
            problems.add(line, path, shown + " is not a file path" + expected);
            return Optional.empty();
        }
        if (!location.isAbsolute()) {
            problems.add(
                    line,
                    path,
                    shown + " is a relative path; expected an absolute path to a file holding " + "the " + what);
            return Optional.empty();
        }
        try {
            if (Files.isDirectory(location)) {
                problems.add(line, path, shown + " is a directory" + expected);
                return Optional.empty();
            }
            if (Files.size(location) > MAX_FILE_BYTES) {
                problems.add(line, path, shown + " is larger than 64 KiB" + expected);
                return Optional.empty();
            }
            String value = new String(Files.readAllBytes(location), StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                problems.add(line, path, shown + " is empty" + expected);
                return Optional.empty();
            }
            return Optional.of(new Secret(value));
        } catch (NoSuchFileException e) {
            problems.add(line, path, shown + " does not exist" + expected);
        } catch (IOException e) {
            problems.add(line, path, shown + " cannot be read (" + IoReason.of(e) + ")" + expected);
        }
        return Optional.empty();
    }
}
