package io.redeploy.agent.config;

import static io.redeploy.agent.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code container:} and {@code adopt:}: services whose container someone else (docker compose) created. */
class FollowedContainerConfigTest {
    private static ServiceConfig only(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(yaml, "agent.yml").services().get(0);
    }

    @Test
    void aFollowedContainerIsNamedAndHasNoImageUntilResolved() throws ConfigException {
        ServiceConfig web = only("""
                services:
                  web:
                    container: survey-web
                    strategy: start-first
                    revive_stopped: true
                """);

        assertThat(web.source()).isEqualTo(ServiceConfig.Source.CONTAINER);
        assertThat(web.containerName()).isEqualTo("survey-web");
        assertThat(web.resolved()).isFalse();
        assertThat(web.describeSource()).isEqualTo("container survey-web");
        assertThat(web.reviveStopped()).isTrue();
    }

    @Test
    void settingsOfACreatedContainerAreRefusedForAFollowedOne() {
        assertThat(problems("""
                services:
                  web:
                    container: survey-web
                    image: ghcr.io/acme/app
                    env: {A: b}
                """))
                .containsExactly(
                        "agent.yml:4: services.web.image: 'image' cannot be set for a followed container: its image "
                                + "and settings come from the container (e.g. docker-compose.yml); remove it, or use "
                                + "'image' instead of 'container' for a service the agent creates itself",
                        "agent.yml:5: services.web.env: 'env' cannot be set for a followed container: its image "
                                + "and settings come from the container (e.g. docker-compose.yml); remove it, or use "
                                + "'image' instead of 'container' for a service the agent creates itself");
    }

    @Test
    void theStopTimeoutOfAFollowedContainerIsRead() throws ConfigException {
        ServiceConfig db = only("""
                services:
                  db: {container: survey-db, stop_timeout: 30s}
                """);

        assertThat(db.stopTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    }

    @Test
    void aSwarmServiceIsNamedAndHasNoImageUntilResolved() throws ConfigException {
        ServiceConfig web = only("""
                services:
                  web: {swarm_service: survey_web, policy: pin-major}
                """);

        assertThat(web.source()).isEqualTo(ServiceConfig.Source.SWARM);
        assertThat(web.swarmService()).contains("survey_web");
        assertThat(web.describeSource()).isEqualTo("Swarm service survey_web");
    }

    @Test
    void settingsSwarmDecidesAreRefusedForASwarmService() {
        assertThat(problems("""
                services:
                  web: {swarm_service: survey_web, strategy: start-first, image: ghcr.io/acme/app}
                """))
                .hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("cannot be set for a Swarm service"));
        assertThat(problems("""
                services:
                  web: {swarm_service: "survey web"}
                """)).singleElement().asString().contains("is not a Swarm service name");
    }

    @Test
    void aReservedContainerNameIsRefused() {
        assertThat(problems("""
                services:
                  web: {container: survey-web.redeploy-old}
                """))
                .singleElement()
                .asString()
                .contains("services.web.container")
                .contains("redeploy-old");
    }

    @Test
    void adoptSpecLetsTheDescriptionWin() throws ConfigException {
        ServiceConfig web = only("""
                services:
                  web: {image: ghcr.io/acme/app, adopt: spec}
                """);

        assertThat(web.source()).isEqualTo(ServiceConfig.Source.SPEC);
        assertThat(web.adopt()).isEqualTo(ServiceConfig.Adopt.SPEC);
    }

    @Test
    void withoutAdoptTheOperatorIsAsked() throws ConfigException {
        assertThat(only("services: {web: {image: ghcr.io/acme/app}}").adopt()).isEqualTo(ServiceConfig.Adopt.ASK);
    }

    @Test
    void adoptContainerFollowsTheContainerUnderItsName() throws ConfigException {
        ServiceConfig web = only("""
                services:
                  web: {adopt: container, container_name: survey-web}
                """);

        assertThat(web.source()).isEqualTo(ServiceConfig.Source.CONTAINER);
        assertThat(web.containerName()).isEqualTo("survey-web");
    }

    @Test
    void adoptContainerRefusesADescription() {
        assertThat(problems("""
                services:
                  web:
                    adopt: container
                    image: ghcr.io/acme/app
                """))
                .containsExactly("agent.yml:4: services.web.image: 'image' cannot be set for a service with adopt: "
                        + "container: the running container's own image and settings are kept; remove it, or say "
                        + "adopt: spec to have agent.yml's description replace the container");
    }

    @Test
    void anUnknownAdoptChoiceIsNamed() {
        assertThat(problems("""
                services:
                  web: {image: ghcr.io/acme/app, adopt: both}
                """))
                .containsExactly("agent.yml:2: services.web.adopt: 'both' is not a choice; expected spec (agent.yml "
                        + "wins over the running container) or container (the running container's own settings are "
                        + "kept)");
    }

    @Test
    void adoptMeansNothingForAFollowedContainer() {
        assertThat(problems("""
                services:
                  web: {container: survey-web, adopt: spec}
                """))
                .containsExactly("agent.yml:2: services.web.adopt: 'adopt' is for a service described here; a followed "
                        + "container keeps its own settings");
    }
}
