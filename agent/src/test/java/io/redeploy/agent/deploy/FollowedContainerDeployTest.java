package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A service given by its container: a new build is a copy of that container, never built from agent.yml. */
class FollowedContainerDeployTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget target =
            Targets.of(docker, new DefaultHealthGates(docker, clock, clock.sleeper()), clock);
    // The description agent.yml would have for a created service; a followed one must never use it.
    private final ServiceConfig followed = Services.web().toBuilder()
            .source(ServiceConfig.Source.CONTAINER)
            .image(Optional.empty())
            .build();

    @Test
    void aNewBuildRecreatesTheContainerAsACopyOfItselfWithComposesLabels() {
        String old = docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = target.deploy(target.resolve(followed), V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        ContainerInfo now = docker.byName("acme-web").orElseThrow();
        assertThat(docker.copies).containsEntry(now.id(), old);
        assertThat(now.labels())
                .containsEntry("com.docker.compose.service", "web")
                .containsEntry(AgentLabels.DIGEST, V2.value());
    }

    @Test
    void aFollowedContainerGoneBeforeTheDeployFailsItWithoutCreatingAnything() {
        String old = docker.existing("acme-web", REPO, V1.value(), Map.of(), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);
        ServiceConfig resolved = target.resolve(followed);
        docker.remove(old);
        docker.operations.clear();

        DeployResult result = target.deploy(resolved, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).contains("the followed container acme-web is gone");
        assertThat(docker.all()).isEmpty();
        assertThat(docker.operations).doesNotContain("create", "pull");
    }

    @Test
    void behindATrafficSwitchTheCopyIsDialledOnItsNetworkAddress() {
        FakeSwitch proxy = new FakeSwitch(docker.operations);
        ContainerTarget switched = Targets.of(
                docker,
                new DefaultHealthGates(docker, clock, clock.sleeper()),
                clock,
                java.time.Duration.ofMinutes(1),
                DeployHooks.NONE,
                service -> service.equals("web") ? Optional.of(proxy) : Optional.empty());
        ServiceConfig behindCaddy = followed.toBuilder()
                .ports(java.util.List.of())
                .strategy(ServiceConfig.Strategy.START_FIRST)
                .proxy(Optional.of(new io.redeploy.agent.config.ProxyConfig(
                        "0.0.0.0", 8080, 8080, java.time.Duration.ofSeconds(1))))
                .health(new io.redeploy.agent.config.HealthCheckConfig(
                        io.redeploy.agent.config.HealthCheckConfig.Type.NONE,
                        "/",
                        0,
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(1)))
                .build();
        docker.existing("acme-web", REPO, V1.value(), Map.of("com.docker.compose.service", "web"), true);
        docker.registryHas(REPO, V2.value(), false, Behaviour.HEALTHY);

        DeployResult result = switched.deploy(switched.resolve(behindCaddy), V2, REGISTRY);

        assertThat(result.outcome()).as(result.reason()).isEqualTo(Outcome.DEPLOYED);
        assertThat(proxy.switches)
                .last()
                .satisfies(t -> assertThat(t.toString()).doesNotContain("127.0.0.1"));
    }
}
