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

    @Test
    void anIsolatedStackUsesNoneOfTheRealStacksNamesAndNoneOfAnotherIsolatedStacks() {
        ComposeEnv one = ComposeEnv.isolated(APP, DB, 18000);
        ComposeEnv two = ComposeEnv.isolated(APP, DB, 18001);

        Set<String> names = Set.of(one.project(), one.dbContainer(), one.webContainer(), one.network(), one.volume());
        assertThat(names).hasSize(5).doesNotContainAnyElementsOf(ComposeEnv.PRODUCTION_NAMES);
        assertThat(names).allSatisfy(n -> assertThat(n).startsWith(one.project()));
        assertThat(two.project()).isNotEqualTo(one.project());
        assertThat(two.password()).isNotEqualTo(one.password());
    }

    @Test
    void theRealStacksProjectNameOrAnInvalidOneIsRefused() {
        assertThatThrownBy(() -> new ComposeEnv("survey", APP, DB, 18000, "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComposeEnv("Upper Case", APP, DB, 18000, "pw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ComposeEnv("ok-name", APP, DB, 18000, " "))
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
        ComposeEnv env = ComposeEnv.isolated(APP, DB, 18000);

        assertThat(env.variables().keySet()).containsExactlyInAnyOrderElementsOf(example);
        assertThat(env.render().lines().filter(l -> !l.startsWith("#")))
                .allSatisfy(l -> assertThat(l).matches("[A-Z_]+=\\S*"))
                .contains("COMPOSE_PROJECT_NAME=" + env.project(), "SURVEY_WEB_PORT=18000", "SURVEY_WEB_IMAGE=" + APP);
    }

    @Test
    void theRepositorysComposeFileInterpolatesNothingTheEnvFileLeavesUnset() throws IOException {
        String compose = Files.readString(LocalStack.repoRoot().resolve("docker-compose.yml"));

        assertThat(ComposeEnv.isolated(APP, DB, 18000).unsetVariablesOf(compose))
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

        assertThat(ComposeEnv.isolated(APP, DB, 18000).unsetVariablesOf(compose))
                .containsExactly("CACHE_CONTAINER");
    }

    @Test
    void aStackIsNotCreatedFromAComposeFileThatWouldFallBackToTheRealNames(@TempDir Path dir) throws IOException {
        Path compose = dir.resolve("compose.yml");
        Files.writeString(compose, "services:\n  db:\n    container_name: ${NEW_DB_NAME:-survey-db}\n");

        assertThatThrownBy(() -> ComposeStack.create(dir.resolve("project"), compose, ComposeEnv.isolated(APP, DB, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NEW_DB_NAME");
        assertThat(dir.resolve("project")).doesNotExist();
    }
}
