package io.redeploy.agent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HealthCheckConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.deploy.Planner.Action;
import io.redeploy.agent.deploy.Planner.Decision;
import io.redeploy.agent.deploy.Planner.Observation;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final Digest OLD = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest OTHER_ARCH = Digest.parse("sha256:" + "c".repeat(64));

    private final Planner planner = new Planner();

    @Test
    void unchangedWhenAnyRepoDigestOfTheRunningImageIsTheRegistryDigest() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), true, Set.of(OTHER_ARCH, NEW), Set.of()))
                .isEqualTo(Action.UNCHANGED);
    }

    @Test
    void deploysANewDigest() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), true, Set.of(OLD), Set.of()))
                .isEqualTo(Action.DEPLOY);
    }

    @Test
    void deploysWhenNoContainerExistsYet() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), false, Set.of(), Set.of()))
                .isEqualTo(Action.DEPLOY);
    }

    @Test
    void aContainerThatIsGoneIsRecreatedEvenWhenItsImageIsCurrent() {
        // The image may still be on the host with the right RepoDigests; without a container, it must be created.
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), false, Set.of(NEW), Set.of()))
                .isEqualTo(Action.DEPLOY);
    }

    @Test
    void monitorModeOnlyReports() {
        assertThat(decide(service("web", UpdateMode.MONITOR), Optional.of(NEW), true, Set.of(OLD), Set.of()))
                .isEqualTo(Action.REPORT_ONLY);
    }

    @Test
    void aDigestThatFailedBeforeIsNotRetried() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), true, Set.of(OLD), Set.of(NEW)))
                .isEqualTo(Action.SKIP_FAILED);
    }

    @Test
    void aNewerDigestAfterAFailureIsTried() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.of(NEW), true, Set.of(OLD), Set.of(OTHER_ARCH)))
                .isEqualTo(Action.DEPLOY);
    }

    @Test
    void aRegistryErrorLeavesTheServiceAlone() {
        assertThat(decide(service("web", UpdateMode.AUTO), Optional.empty(), true, Set.of(OLD), Set.of()))
                .isEqualTo(Action.SKIP_REGISTRY_ERROR);
    }

    @Test
    void decisionsFollowTheGivenOrderAndSkipServicesNotObserved() {
        ServiceConfig db = service("db", UpdateMode.AUTO);
        ServiceConfig web = service("web", UpdateMode.AUTO);
        ServiceConfig worker = service("worker", UpdateMode.AUTO);
        Map<String, Observation> seen = new LinkedHashMap<>();
        seen.put("web", new Observation(Optional.of(NEW), true, Set.of(OLD), Set.of()));
        seen.put("db", new Observation(Optional.of(NEW), true, Set.of(OLD), Set.of()));

        List<Decision> plan = planner.plan(List.of(db, web, worker), seen);

        assertThat(plan).extracting(d -> d.service().name()).containsExactly("db", "web");
        assertThat(plan).allMatch(d -> d.action() == Action.DEPLOY && d.target().equals(Optional.of(NEW)));
    }

    private Action decide(
            ServiceConfig service, Optional<Digest> registry, boolean exists, Set<Digest> running, Set<Digest> failed) {
        return planner.decide(service, new Observation(registry, exists, running, failed))
                .action();
    }

    static ServiceConfig service(String name, UpdateMode mode) {
        return new ServiceConfig(
                name,
                ImageRef.parse("127.0.0.1:5000/acme/" + name, "main"),
                name,
                mode,
                Map.of(),
                List.of(),
                List.of(),
                Optional.empty(),
                List.of(),
                List.of(),
                false,
                HealthCheckConfig.defaults(),
                Duration.ofSeconds(10),
                "unless-stopped",
                Optional.empty(),
                Map.of(),
                false);
    }
}
