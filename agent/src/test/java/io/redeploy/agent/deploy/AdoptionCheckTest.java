package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerSettings;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A service described in agent.yml meets a container someone else started under its name, configured otherwise. */
class AdoptionCheckTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget target =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    private final ServiceConfig web = Services.web(); // DB_PASSWORD, 127.0.0.1:18080->8080, web-data:/data

    private String composeContainer(ContainerSettings settings) {
        String id = docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.configured(id, settings);
        return id;
    }

    private static ContainerSettings matching() {
        return new ContainerSettings(
                Map.of("DB_PASSWORD", "hunter2-secret"),
                Map.of("8080/tcp", "127.0.0.1:18080"),
                Map.of("/data", "web-data"),
                Set.of("bridge"));
    }

    @Test
    void aContainerThatDiffersIsLeftAloneWithItsDifferencesNamedByKeyOnly() {
        composeContainer(new ContainerSettings(
                Map.of("DB_PASSWORD", "other-secret-value", "DB_USER", "survey"),
                Map.of("8080/tcp", "18081"),
                Map.of("/data", "survey_web-data"),
                Set.of("survey_default")));

        assertThatThrownBy(() -> target.resolve(web))
                .isInstanceOf(UnresolvedServiceException.class)
                .hasMessageContaining("container acme-web was not created by the agent and differs from services.web")
                .hasMessageContaining("env keys set on the container only: DB_USER")
                .hasMessageContaining("env keys with other values: DB_PASSWORD")
                .hasMessageContaining("ports: 8080/tcp is 18081 on the container, 127.0.0.1:18080 in agent.yml")
                .hasMessageContaining("volumes: /data is survey_web-data on the container, web-data in agent.yml")
                .hasMessageContaining("networks: the container is on survey_default, agent.yml says bridge")
                .hasMessageContaining("services.web.adopt: spec")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("other-secret-value");
        assertThat(docker.operations).isEmpty();
    }

    @Test
    void envKeysOnlyInAgentYmlAreNamed() {
        composeContainer(new ContainerSettings(
                Map.of(), Map.of("8080/tcp", "127.0.0.1:18080"), Map.of("/data", "web-data"), Set.of("bridge")));

        assertThatThrownBy(() -> target.resolve(web)).hasMessageContaining("env keys in agent.yml only: DB_PASSWORD");
    }

    @Test
    void aContainerThatMatchesIsAdoptedAsBefore() {
        composeContainer(matching());
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        assertThat(target.resolve(web)).isEqualTo(web);
        assertThat(target.deploy(web, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
    }

    @Test
    void adoptSpecLetsAgentYmlReplaceAContainerThatDiffers() {
        composeContainer(new ContainerSettings(Map.of("DB_USER", "survey"), Map.of(), Map.of(), Set.of("x")));
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        ServiceConfig specWins = web.toBuilder().adopt(ServiceConfig.Adopt.SPEC).build();

        assertThat(target.resolve(specWins)).isEqualTo(specWins);
        assertThat(target.deploy(specWins, V2, REGISTRY).outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(docker.byName("acme-web").orElseThrow().managed()).isTrue();
    }

    @Test
    void theAgentsOwnContainerIsNotCompared() {
        docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");

        assertThat(target.resolve(web)).isEqualTo(web);
    }

    @Test
    void noContainerYetIsNothingToAsk() {
        assertThat(target.resolve(web)).isEqualTo(web);
    }
}
