package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerSettings;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --check}'s read-only questions to the engine: the same answers the first poll gets, nothing touched. */
class ContainerPreflightTest {
    private final FakeDocker docker = new FakeDocker();
    private final ContainerPreflight preflight = new ContainerPreflight(docker);

    private static ServiceConfig followed() {
        return Services.web().toBuilder()
                .source(ServiceConfig.Source.CONTAINER)
                .image(Optional.empty())
                .build();
    }

    @Test
    void aFollowedContainerThatDoesNotExistIsNamed() {
        assertThat(preflight.problem(followed()))
                .hasValueSatisfying(p -> assertThat(p)
                        .startsWith("the followed container acme-web does not exist")
                        .contains("services.web.container"));
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void aFollowedContainerRunningATaggedImageIsFine() {
        docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);

        assertThat(preflight.problem(followed())).isEmpty();
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void aDescribedServiceWhoseContainerDiffersNamesTheDifferencesByKey() {
        String id = docker.existing("acme-web", REPO, V1.value(), Map.of(), true);
        docker.configured(
                id,
                new ContainerSettings(
                        Map.of("DB_PASSWORD", "other-secret", "DB_USER", "survey"),
                        Map.of("8080/tcp", "127.0.0.1:18080"),
                        Map.of("/data", "web-data"),
                        Set.of("bridge")));

        assertThat(preflight.problem(Services.web()))
                .hasValueSatisfying(p -> assertThat(p)
                        .contains("env keys set on the container only: DB_USER")
                        .contains("services.web.adopt")
                        .doesNotContain("other-secret")
                        .doesNotContain("hunter2"));
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void aDescribedServiceWithoutAContainerYetIsFine() {
        assertThat(preflight.problem(Services.web())).isEmpty();
    }
}
