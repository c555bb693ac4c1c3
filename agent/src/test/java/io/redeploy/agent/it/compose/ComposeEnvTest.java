package io.redeploy.agent.it.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.it.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeEnvTest {
    private static final String APP = "127.0.0.1:5000/survey/survey-app:main";
    private static final String DB = "127.0.0.1:5000/survey/postgres:15";
    private static final String CADDY = "127.0.0.1:5000/survey/caddy:2";

    @Test
    void anIsolatedStackUsesNoneOfTheRealStacksNamesAndNoneOfAnotherIsolatedStacks() {
        ComposeEnv one = ComposeEnv.isolated(APP, DB, CADDY);
        ComposeEnv two = ComposeEnv.isolated(APP, DB, CADDY);

        Set<String> names = Set.of(
                one.project(),
                one.dbContainer(),
                one.webContainer(),
                one.caddyContainer(),
                one.network(),
                one.volume(),
                one.caddyVolume());
        assertThat(names).hasSize(7).doesNotContainAnyElementsOf(ComposeEnv.PRODUCTION_NAMES);
        assertThat(names).allSatisfy(n -> assertThat(n).startsWith(one.project()));
        assertThat(two.project()).isNotEqualTo(one.project());
        assertThat(two.password()).isNotEqualTo(one.password());
        ComposeEnv.Caddy caddy = one.caddy();
        assertThat(Set.of(caddy.httpPort(), caddy.httpsPort(), caddy.adminPort()))
                .hasSize(3)
                .doesNotContain(80, 443, 2019);
        assertThat(caddy.caddyfile()).isRegularFile();
    }

    private static ComposeEnv.Caddy caddy() {
        return new ComposeEnv.Caddy(CADDY, Path.of("/srv/Caddyfile"), 18080, 18443, 12019);
    }

    @Test
    void aRelativeCaddyfileIsRefused() {
        assertThatThrownBy(() -> new ComposeEnv.Caddy(CADDY, Path.of("deploy/caddy/Caddyfile"), 1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRealStacksProjectNameOrAnInvalidOneIsRefused() {
        assertThatThrownBy(() -> new ComposeEnv("survey", APP, DB, caddy(), "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComposeEnv("Upper Case", APP, DB, caddy(), "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComposeEnv("ok-name", APP, DB, caddy(), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEnvFileSetsEveryVariableOfEnvExampleAndNoOther() throws IOException {
        Set<String> example = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^([A-Z_]+)=")
                .matcher(Files.readString(LocalStack.repoRoot().resolve(".env.example")));
        while (m.find()) {
            example.add(m.group(1));
        }
        ComposeEnv env = ComposeEnv.isolated(APP, DB, CADDY);

        assertThat(env.variables().keySet()).containsExactlyInAnyOrderElementsOf(example);
        assertThat(env.render().lines().filter(l -> !l.startsWith("#")))
                .allSatisfy(l -> assertThat(l).matches("[A-Z_]+=\\S*"))
                .contains(
                        "COMPOSE_PROJECT_NAME=" + env.project(),
                        "CADDY_ADMIN_PORT=" + env.caddy().adminPort(),
                        "SURVEY_TLS=internal",
                        "SURVEY_WEB_IMAGE=" + APP);
    }

    @Test
    void theRepositorysComposeFileInterpolatesNothingTheEnvFileLeavesUnset() throws IOException {
        String compose = Files.readString(LocalStack.repoRoot().resolve("docker-compose.yml"));

        assertThat(ComposeEnv.isolated(APP, DB, CADDY).unsetVariablesOf(compose))
                .isEmpty();
    }

    @Test
    void aVariableTheEnvFileDoesNotSetIsFoundButTheContainersOwnEscapedOneIsNot() {
        String compose = """
                services:
                  cache:
                    container_name: ${CACHE_CONTAINER:-survey-cache}
                    healthcheck: {test: ["CMD-SHELL", "check $${POSTGRES_USER} $${NOT_COMPOSES}"]}
                    image: ${SURVEY_WEB_IMAGE}
                """;

        assertThat(ComposeEnv.isolated(APP, DB, CADDY).unsetVariablesOf(compose))
                .containsExactly("CACHE_CONTAINER");
    }

    @Test
    void aStackIsNotCreatedFromAComposeFileThatWouldFallBackToTheRealNames(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yml");
        Files.writeString(compose, "services:\n  db:\n    container_name: ${NEW_DB_NAME:-survey-db}\n");

        assertThatThrownBy(
                        () -> ComposeStack.create(dir.resolve("project"), compose, ComposeEnv.isolated(APP, DB, CADDY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NEW_DB_NAME");
        assertThat(dir.resolve("project")).doesNotExist();
    }
}
