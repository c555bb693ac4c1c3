package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerSettings;
import io.redeploy.agent.log.Redactor;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Attacks through a failing build's output: whatever it prints on crash goes into the deploy reason (state.json,
 * /status, the log line, notifications), so it must not carry the service's secrets out.
 */
class FailureReasonLeakTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");
    private static final String DB_PASSWORD = "pw-9f3a-survey";
    private static final String DATABASE_URL = "postgres://survey:" + DB_PASSWORD + "@db:5432/survey";
    private static final String REGISTRY_PASSWORD = "ghp_registry-token-77";

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ContainerTarget target = new ContainerTarget(
            docker,
            new DefaultHealthGates(docker, clock, clock.sleeper()),
            clock,
            ContainerTarget.DEFAULT_PULL_TIMEOUT,
            DeployHooks.NONE,
            TrafficSwitches.NONE,
            Optional.empty(),
            Redactor.of(List.of(REGISTRY_PASSWORD), List.of()));

    private final ServiceConfig web = Services.web().toBuilder()
            .env(Map.of("DATABASE_URL", DATABASE_URL, "PORT", "8080"))
            .health(HealthCheckConfig.defaults())
            .build();

    private DeployResult crashingBuildPrints(String output) {
        docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), false, Behaviour.CRASH);
        docker.logTail = output;
        return target.deploy(web, V2, REGISTRY);
    }

    @Test
    void aBuildPrintingItsDatabaseUrlOnCrashLeaksNeitherTheUrlNorThePassword() {
        DeployResult result = crashingBuildPrints("port 8080\nconnecting to " + DATABASE_URL
                + "\nFATAL: password authentication failed (" + DB_PASSWORD + ")");

        assertThat(result.outcome()).isEqualTo(Outcome.ROLLED_BACK);
        assertThat(result.reason())
                .doesNotContain(DB_PASSWORD)
                .contains("connecting to ***")
                .contains("failed (***)")
                .contains("8080"); // a port number is not a secret and stays readable
    }

    @Test
    void aConfiguredSecretPrintedByTheBuildIsHidden() {
        DeployResult result = crashingBuildPrints("REGISTRY_TOKEN=" + REGISTRY_PASSWORD);

        assertThat(result.reason()).doesNotContain(REGISTRY_PASSWORD).contains("REGISTRY_TOKEN=***");
    }

    @Test
    void aFollowedContainersOwnEnvironmentIsHiddenThoughAgentYmlDoesNotHoldIt() {
        docker.defaultSettings = new ContainerSettings(
                Map.of("POSTGRES_PASSWORD", "compose-env-secret-31"), Map.of(), Map.of(), Set.of());

        DeployResult result = crashingBuildPrints("auth with compose-env-secret-31 failed");

        assertThat(result.reason()).doesNotContain("compose-env-secret-31").contains("auth with *** failed");
    }

    @Test
    void aHugeLogTailIsCutToTheReasonCap() {
        DeployResult result = crashingBuildPrints("x".repeat(50_000));

        assertThat(result.reason())
                .hasSizeLessThanOrEqualTo(Redactor.MAX_REASON_CHARS)
                .contains("characters cut");
    }

    @Test
    void notificationsGetTheReasonWithoutTheLogTail() {
        DeployResult result = crashingBuildPrints("stack trace with internal hostnames");

        assertThat(result.reason()).contains("stack trace with internal hostnames");
        assertThat(result.reasonWithoutLogTail())
                .doesNotContain("stack trace")
                .contains("exited")
                .contains("see /status or journalctl");
    }
}
