package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** systemd/agent.example.yml: docker-compose.yml describes the stack, agent.yml only what to watch and how. */
class ComposeFirstExampleTest {

    static Path composeFirstExample() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("systemd/agent.example.yml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "systemd/agent.example.yml not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void followsTheContainersComposeStartedAndNeedsOnlyTheAgentsOwnSecrets() throws Exception {
        // No database password, no surveyor account: those stay in compose's .env.
        AgentConfig config = new ConfigLoader(
                        Map.of("GHCR_TOKEN", "ghp_t", "REDEPLOY_TRIGGER_TOKEN", "trigger-" + "0".repeat(32)))
                .load(composeFirstExample());

        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(db.source()).isEqualTo(ServiceConfig.Source.CONTAINER);
        assertThat(db.containerName()).isEqualTo("survey-db");
        assertThat(db.declaredImage()).isEmpty();
        assertThat(db.env()).isEmpty();
        assertThat(db.policy().kind()).isEqualTo(UpdatePolicy.Kind.PIN_MAJOR);
        assertThat(db.policy().preUpdate().orElseThrow().command()).startsWith("pg_dump");
        assertThat(db.health().type()).isEqualTo(HealthCheckConfig.Type.TCP);
        assertThat(db.stopTimeout()).isEqualTo(Duration.ofSeconds(30));

        ServiceConfig web = config.service("web").orElseThrow();
        assertThat(web.source()).isEqualTo(ServiceConfig.Source.CONTAINER);
        assertThat(web.containerName()).isEqualTo("survey-web");
        assertThat(web.ports()).isEmpty();
        assertThat(web.dependsOn()).containsExactly("db");
        assertThat(web.restartOnDependencyUpdate()).isTrue();
        assertThat(web.health())
                .isEqualTo(new HealthCheckConfig(
                        HealthCheckConfig.Type.HTTP, "/health", 8000, Duration.ofSeconds(60), Duration.ofSeconds(1)));
        assertThat(DependencyOrder.order(config.services()))
                .extracting(ServiceConfig::name)
                .containsExactly("db", "web");
    }

    @Test
    void theContainerNamesAreTheOnesDockerComposeYmlGivesItsServices() throws Exception {
        Path compose = composeFirstExample().getParent().getParent().resolve("docker-compose.yml");
        String file = Files.readString(compose);
        assertThat(file)
                .contains("container_name: ${SURVEY_DB_CONTAINER:-survey-db}")
                .contains("container_name: ${SURVEY_WEB_CONTAINER:-survey-web}");
    }
}
