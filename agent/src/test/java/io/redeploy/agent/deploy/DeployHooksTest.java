package io.redeploy.agent.deploy;

import static io.redeploy.agent.deploy.Services.REPO;
import static io.redeploy.agent.deploy.Services.V1;
import static io.redeploy.agent.deploy.Services.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.DeployHooks.Verdict;
import io.redeploy.agent.deploy.FakeDocker.Behaviour;
import io.redeploy.agent.deploy.health.DefaultHealthGates;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deployer's hook points: what each verdict does to the old container, and when each hook is called. */
class DeployHooksTest {
    private static final RegistryConfig REGISTRY = RegistryConfig.anonymous("127.0.0.1:5000");

    private final FakeDocker docker = new FakeDocker();
    private final FakeClock clock = new FakeClock();
    private final ServiceConfig web = Services.web();
    private final List<String> calls = new ArrayList<>();

    private ContainerTarget deployer(Verdict verdict, Optional<String> afterProblem) {
        DeployHooks hooks = new DeployHooks() {
            @Override
            public Verdict beforeSwap(
                    ServiceConfig service, Digest target, Optional<ContainerInfo> old, ImageInfo pulled) {
                calls.add("before:" + old.map(ContainerInfo::running).orElse(false) + ":" + docker.operations);
                return verdict;
            }

            @Override
            public Optional<String> afterDeploy(ServiceConfig service, Digest target, String containerId) {
                calls.add(
                        "after:" + docker.byName("acme-web").orElseThrow().id().equals(containerId));
                return afterProblem;
            }
        };
        return Targets.of(
                docker,
                new DefaultHealthGates(docker, clock, clock.sleeper()),
                clock,
                ContainerTarget.DEFAULT_PULL_TIMEOUT,
                hooks);
    }

    private String oldRunningV1() {
        String id = docker.existingManaged("acme-web", "web", REPO, V1.value(), "running");
        docker.registryHas(REPO, V2.value(), true, Behaviour.HEALTHY);
        return id;
    }

    @Test
    void beforeSwapRunsAfterThePullWhileTheOldContainerStillRuns() {
        oldRunningV1();

        DeployResult result = deployer(Verdict.proceed(), Optional.empty()).deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(calls).containsExactly("before:true:[pull]", "after:true");
    }

    @Test
    void abortedHookFailsTheDeployBeforeAnythingIsTouchedAndIsRetriedNextPoll() {
        String oldId = oldRunningV1();

        DeployResult result = deployer(Verdict.abort("exit 1: pg_dump: connection refused"), Optional.empty())
                .deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.reason()).isEqualTo("pre-update hook failed: exit 1: pg_dump: connection refused");
        assertThat(result.worthRetrying()).isTrue();
        assertThat(docker.operations).containsExactly("pull");
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(oldId);
    }

    @Test
    void skippedLeavesEverythingAsItIs() {
        String oldId = oldRunningV1();

        DeployResult result = deployer(
                        Verdict.skip("pre-update hook asked to skip this deploy (exit 75)"), Optional.empty())
                .deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(result.worthRetrying()).isTrue();
        assertThat(docker.byName("acme-web").orElseThrow().id()).isEqualTo(oldId);
    }

    @Test
    void aFailedPostUpdateHookIsReportedButDoesNotUndoAHealthyDeploy() {
        oldRunningV1();

        DeployResult result = deployer(Verdict.proceed(), Optional.of("post-update hook failed: exit 3"))
                .deploy(web, V2, REGISTRY);

        assertThat(result.outcome()).isEqualTo(Outcome.DEPLOYED);
        assertThat(result.reason()).endsWith("; post-update hook failed: exit 3");
        assertThat(docker.byName("acme-web").orElseThrow().image()).isEqualTo(REPO + "@" + V2.value());
    }
}
