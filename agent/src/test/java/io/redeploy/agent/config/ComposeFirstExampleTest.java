package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        assertThat(db.strategy()).as("the database cannot run twice").isEqualTo(ServiceConfig.Strategy.STOP_FIRST);
        assertThat(db.traffic()).isEmpty();

        ServiceConfig web = config.service("web").orElseThrow();
        assertThat(web.source()).isEqualTo(ServiceConfig.Source.CONTAINER);
        assertThat(web.containerName()).isEqualTo("survey-web");
        assertThat(web.ports()).isEmpty();
        assertThat(web.dependsOn()).containsExactly("db");
        assertThat(web.restartOnDependencyUpdate()).isTrue();
        assertThat(web.health())
                .isEqualTo(new HealthCheckConfig(
                        HealthCheckConfig.Type.HTTP, "/health", 8000, Duration.ofSeconds(60), Duration.ofSeconds(1)));
        assertThat(web.strategy()).isEqualTo(ServiceConfig.Strategy.START_FIRST);
        assertThat(web.traffic())
                .contains(new TrafficConfig.Caddy(
                        URI.create("http://127.0.0.1:2019"),
                        "srv0",
                        List.of("survey.example.com"),
                        8000,
                        Duration.ofSeconds(10)));
        assertThat(DependencyOrder.order(config.services()))
                .extracting(ServiceConfig::name)
                .containsExactly("db", "web");
    }

    /**
     * The agent's Caddy route and compose's Caddy must agree: the route's host is the Caddyfile's site address (so it
     * lands in that site's server with its certificate), the admin URL is the port compose publishes, and the app
     * publishes no host port (start-first runs two containers side by side; Caddy dials them on the network).
     */
    @Test
    void theCaddyRouteMatchesTheSiteAndAdminPortOfTheComposeStackAndTheAppPublishesNoPort() throws Exception {
        Path root = composeFirstExample().getParent().getParent();
        String envExample = Files.readString(root.resolve(".env.example"));
        assertThat(envExample).contains("\nSURVEY_SITE_ADDRESS=survey.example.com\n", "\nCADDY_ADMIN_PORT=2019\n");
        String compose = Files.readString(root.resolve("docker-compose.yml"));
        assertThat(compose)
                .contains("\"127.0.0.1:${CADDY_ADMIN_PORT:-2019}:2019\"")
                .contains("CADDY_ADMIN: 0.0.0.0:2019")
                .doesNotContain("SURVEY_WEB_PORT");
        String web = compose.substring(compose.indexOf("\n  web:\n"), compose.indexOf("\n  caddy:\n"));
        assertThat(web).doesNotContain("ports:");
        assertThat(Files.readString(root.resolve("deploy/caddy/Caddyfile")))
                .contains("admin {$CADDY_ADMIN:localhost:2019}")
                .contains("{$SURVEY_SITE_ADDRESS:localhost} {");
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
