package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    private static final String SECRET = "S3CR3T-value-never-shown-0123456789abcdef";
    private static final String SERVICES = """
            services:
              web: {image: ghcr.io/acme/app}
            """;

    @TempDir
    Path dir;

    private static AgentConfig parse(Map<String, String> env, String yaml) throws ConfigException {
        return new ConfigLoader(env).parse(yaml, "agent.yml");
    }

    private static List<String> problems(Map<String, String> env, String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(env, yaml));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(String.join("\n", e.problems())).doesNotContain(SECRET);
        return e.problems();
    }

    private static String registry(String settings) {
        return "registries:\n  ghcr.io: " + settings + "\n" + SERVICES;
    }

    @Test
    void passwordFromEnvironmentVariable() throws ConfigException {
        AgentConfig config = parse(Map.of("GHCR_TOKEN", SECRET), registry("{username: bot, password_env: GHCR_TOKEN}"));
        RegistryConfig ghcr = config.registries().get("ghcr.io");
        assertThat(ghcr.password().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(ghcr.hasCredentials()).isTrue();
        assertThat(config.toString()).doesNotContain(SECRET).contains("Optional[****]");
    }

    @Test
    void unsetOrEmptyVariableIsNamedButNeverItsValue() {
        assertThat(problems(Map.of(), registry("{username: bot, password_env: GHCR_TOKEN}")))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.io.password_env: environment variable 'GHCR_TOKEN' is not set; "
                                + "expected it to hold the registry password");
        assertThat(problems(Map.of("GHCR_TOKEN", " "), registry("{username: bot, password_env: GHCR_TOKEN}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_env: environment variable 'GHCR_TOKEN' is "
                        + "empty; expected it to hold the registry password");
    }

    @Test
    void passwordFromFileIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), SECRET + "\n");
        AgentConfig config = parse(Map.of(), registry("{username: bot, password_file: " + file + "}"));
        assertThat(config.registries().get("ghcr.io").password().orElseThrow().reveal())
                .isEqualTo(SECRET);
    }

    @Test
    void fileMayLiveInTheSystemdCredentialsDirectory() throws Exception {
        Files.writeString(dir.resolve("ghcr-token"), SECRET);
        AgentConfig config = parse(
                Map.of("CREDENTIALS_DIRECTORY", dir.toString()),
                registry("{username: bot, password_file: \"${CREDENTIALS_DIRECTORY}/ghcr-token\"}"));
        assertThat(config.registries().get("ghcr.io").password().orElseThrow().reveal())
                .isEqualTo(SECRET);
    }

    @Test
    void missingEmptyUnreadableOrRelativeFile() throws IOException {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(problems(Map.of(), registry("{username: bot, password_file: " + missing + "}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '" + missing
                        + "' does not exist; expected a readable " + "file holding the registry password");
        assertThat(problems(Map.of(), registry("{username: bot, password_file: " + empty + "}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '" + empty
                        + "' is empty; expected a readable file " + "holding the registry password");
        assertThat(problems(Map.of(), registry("{username: bot, password_file: " + dir + "}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '" + dir
                        + "' is a directory; expected a readable " + "file holding the registry password");
        Path unreadable = empty.resolve("token");
        assertThat(problems(Map.of(), registry("{username: bot, password_file: " + unreadable + "}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '" + unreadable
                        + "' cannot be read (Not a directory); "
                        + "expected a readable file holding the registry password");
        assertThat(problems(Map.of(), registry("{username: bot, password_file: token.txt}")))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.io.password_file: 'token.txt' is a relative path; expected an absolute "
                                + "path to a file holding the registry password");
    }

    @Test
    void inlineSecretsAreRefusedWithoutRepeatingThem() {
        assertThat(problems(Map.of(), registry("{username: bot, password: " + SECRET + "}")))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.io.password: inline secrets are refused so they never end up in a "
                                + "copied or committed file; expected password_env: VARIABLE or password_file: /path");
        assertThat(problems(Map.of(), "http: {trigger_token: " + SECRET + "}\n" + SERVICES))
                .containsExactly(
                        "agent.yml:1: http.trigger_token: inline secrets are refused so they never end up in a copied or "
                                + "committed file; expected trigger_token_env: VARIABLE or trigger_token_file: /path");
    }

    @Test
    void bothSourcesAtOnce() {
        assertThat(problems(Map.of("T", SECRET), registry("{username: bot, password_env: T, password_file: /x}")))
                .containsExactly("agent.yml:2: registries.ghcr.io: both password_env and password_file are set; "
                        + "expected exactly one");
    }

    @Test
    void usernameAndPasswordComeTogether() {
        assertThat(problems(Map.of(), registry("{username: bot}")))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.io: a username is set but no password; expected both (username with "
                                + "password_env or password_file, or REDEPLOY_REGISTRY_GHCR_IO_USERNAME with "
                                + "REDEPLOY_REGISTRY_GHCR_IO_PASSWORD) or neither");
        assertThat(problems(Map.of("T", SECRET), registry("{password_env: T}")))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.io: a password is set but no username; expected both (username with "
                                + "password_env or password_file, or REDEPLOY_REGISTRY_GHCR_IO_USERNAME with "
                                + "REDEPLOY_REGISTRY_GHCR_IO_PASSWORD) or neither");
    }

    @Test
    void environmentOverrideWinsOverTheFile() throws ConfigException {
        // GHCR_TOKEN is not set: with the override present the configured source is not read at all.
        AgentConfig config = parse(
                Map.of("REDEPLOY_REGISTRY_GHCR_IO_PASSWORD", SECRET),
                registry("{username: bot, password_env: GHCR_TOKEN}"));
        assertThat(config.registries().get("ghcr.io").password().orElseThrow().reveal())
                .isEqualTo(SECRET);
    }

    @Test
    void environmentAloneCanConfigureARegistryUsedByAnImage() throws ConfigException {
        AgentConfig config = parse(
                Map.of(
                        "REDEPLOY_REGISTRY_127_0_0_1_5001_USERNAME",
                        "tester",
                        "REDEPLOY_REGISTRY_127_0_0_1_5001_PASSWORD",
                        SECRET),
                """
                services:
                  web: {image: 127.0.0.1:5001/acme/app}
                """);
        RegistryConfig registry = config.registryFor(config.services().get(0).image());
        assertThat(registry)
                .isEqualTo(new RegistryConfig(
                        "127.0.0.1:5001", true, Optional.of("tester"), Optional.of(new Secret(SECRET))));
        assertThat(RegistriesBinder.overrideVariable("ghcr.io", "PASSWORD"))
                .isEqualTo("REDEPLOY_REGISTRY_GHCR_IO_PASSWORD");
    }

    @Test
    void emptyOverrideIsAMistake() {
        assertThat(problems(Map.of("REDEPLOY_REGISTRY_GHCR_IO_PASSWORD", ""), SERVICES))
                .containsExactly(
                        "agent.yml: registries.ghcr.io: environment variable 'REDEPLOY_REGISTRY_GHCR_IO_PASSWORD' is set but "
                                + "empty; expected a value or the variable unset");
    }

    @Test
    void loopbackRegistryNamedOnlyInAnImageIsPlainHttpLikeDocker() throws ConfigException {
        AgentConfig config = parse(Map.of(), "services:\n  web: {image: localhost:5000/app}\n");
        assertThat(config.registryFor(config.services().get(0).image()).baseUrl())
                .isEqualTo("http://localhost:5000");
        AgentConfig remote = parse(Map.of(), "services:\n  web: {image: registry.example.com/app}\n");
        assertThat(remote.registryFor(remote.services().get(0).image()).baseUrl())
                .isEqualTo("https://registry.example.com");
    }

    @Test
    void triggerTokenFromFile() throws Exception {
        Path file = Files.writeString(dir.resolve("trigger"), SECRET);
        AgentConfig config = parse(Map.of(), "http: {trigger_token_file: " + file + "}\n" + SERVICES);
        assertThat(config.http().triggerToken().orElseThrow().reveal()).isEqualTo(SECRET);
        assertThat(config.http().toString()).doesNotContain(SECRET);
    }

    @Test
    void envValuesAreMaskedInToString() throws ConfigException {
        AgentConfig config = parse(Map.of("PG", SECRET), """
                services:
                  db:
                    image: postgres
                    env: {POSTGRES_PASSWORD: "${PG}", DATABASE_URL: "postgres://u:${PG}@db/x"}
                """);
        assertThat(config.services().get(0).env()).containsEntry("POSTGRES_PASSWORD", SECRET);
        assertThat(config.toString()).doesNotContain(SECRET).contains("POSTGRES_PASSWORD=****");
    }

    @Test
    void noProblemLineEverContainsASecret() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), SECRET);
        // A file full of mistakes next to secrets: every line is checked by problems() for the secret value.
        List<String> lines = problems(Map.of("T", SECRET, "PG", SECRET), """
                http: {trigger_token: %1$s, listen: nope}
                registries:
                  ghcr.io: {password_env: T, password_file: %2$s}
                  127.0.0.1:5000: {username: u, password_file: %2$s, insecure: maybe}
                services:
                  db:
                    image: postgres
                    env: {A: "${PG}$", B: "%1$s${NOPE}", C: "${PG}${X Y}"}
                """.formatted(SECRET, file));
        assertThat(lines).hasSize(9);
    }

    @Test
    void passwordFilePathIsQuotedAsWrittenSoAVariableHoldingASecretIsNeverExpandedIntoTheMessage() {
        assertThat(problems(
                        Map.of("GHCR_TOKEN", SECRET), registry("{username: bot, password_file: \"${GHCR_TOKEN}\"}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '${GHCR_TOKEN}' is a relative path; "
                        + "expected an absolute path to a file holding the registry password");
        assertThat(problems(
                        Map.of("GHCR_TOKEN", SECRET),
                        registry("{username: bot, password_file: \"/run/${GHCR_TOKEN}\"}")))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_file: '/run/${GHCR_TOKEN}' does not exist; "
                        + "expected a readable file holding the registry password");
    }
}
