package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import io.redeploy.agent.registry.MalformedResponseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cooldown, pin-major, hooks that skip, and Docker outages, through a whole poll. */
class ReconcilerPolicyTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));
    private static final ImageFacts PG15 = new ImageFacts(Map.of(), Map.of("PG_MAJOR", "15"));
    private static final ImageFacts PG16 = new ImageFacts(Map.of(), Map.of("PG_MAJOR", "16"));

    @TempDir
    Path stateDir;

    private Fixture f;

    @BeforeEach
    void fixture() {
        f = new Fixture(stateDir);
        f.target.running.put("web", D1);
        f.registry.put("web", D2);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aNewDigestWaitsForItsCooldownThenDeploys() {
        Reconciler reconciler = f.reconciler(web(UpdatePolicy.defaults().withCooldown(Duration.ofMinutes(10))));

        reconciler.run(Optional.empty());
        f.clock.advance(Duration.ofMinutes(6));
        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (cooldown: deployed once unchanged for 240s more)");
        String waiting = "new " + D2.shortForm() + " deploy=false";
        f.events.removeIf("healthy"::equals);
        assertThat(f.events).containsExactly(waiting, waiting); // PollEvents hears it every poll; notifications dedupe

        f.clock.advance(Duration.ofMinutes(4));
        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
        f.events.removeIf("healthy"::equals);
        assertThat(f.events)
                .containsExactly(waiting, waiting, "new " + D2.shortForm() + " deploy=true", "finished DEPLOYED");
    }

    @Test
    void aMajorVersionChangeIsRefusedBeforeThePullWithItsManualStepAndRememberedAsFailed() {
        f.target.facts.put("web", PG15);
        f.candidateFacts = PG16;
        Reconciler reconciler = f.reconciler(web(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR)));

        Reconciler.Report report = reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).as("nothing pulled for a refused build").isEmpty();
        assertThat(f.factsFetched)
                .as("read once; then the digest is a failed one")
                .containsExactly(D2);
        assertThat(report.deploys()).extracting(DeployResult::outcome).containsExactly(Outcome.REFUSED);
        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("refused");
        assertThat(f.state.get("web").lastDeploy().orElseThrow().reason())
                .contains("major version change 15 -> 16", "manual step");
        assertThat(f.state.get("web").failedDigests()).containsExactly(D2.value());
        assertThat(f.events).containsOnlyOnce("finished REFUSED");
        assertThat(f.audit
                        .read(Optional.empty(), Optional.empty(), Optional.empty(), 10)
                        .records())
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.kind()).isEqualTo("refusal");
                    assertThat(r.outcome()).isEqualTo("refused");
                    assertThat(r.to()).isEqualTo(D2.value());
                    assertThat(r.reason()).contains("manual step");
                });
    }

    @Test
    void theSameMajorIsDeployed() {
        f.target.facts.put("web", PG15);
        f.candidateFacts = PG15;

        f.reconciler(web(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR))).run(Optional.empty());

        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
    }

    @Test
    void aNewImageWhoseConfigCannotBeReadIsAnErrorToRetryNotARefusal() {
        f.target.facts.put("web", PG15);
        f.candidateFacts = new MalformedResponseException("registry sent 404 for blob sha256:abc");
        Reconciler reconciler = f.reconciler(web(UpdatePolicy.of(UpdatePolicy.Kind.PIN_MAJOR)));

        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(f.state.get("web").history()).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .startsWith("error: pin-major: the new image's config could not be read");

        f.candidateFacts = PG15;
        reconciler.run(Optional.empty());
        assertThat(f.target.deploys()).hasSize(1);
    }

    @Test
    void aSkippedDeployLeavesNoHistoryAndIsTriedAgainNextPoll() {
        f.target.outcomes.put(D2, Outcome.SKIPPED);
        f.target.reasons.put(D2, "pre-update hook asked to skip this deploy (exit 75)");
        Reconciler reconciler = f.reconciler(web(UpdatePolicy.defaults()));

        reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).hasSize(2);
        assertThat(f.state.get("web").history()).isEmpty();
        assertThat(f.state.get("web").failedDigests()).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .contains("skipped: pre-update hook asked to skip");
        assertThat(f.events).doesNotContain("finished SKIPPED");
    }

    @Test
    void dockerOutagesAreReportedAsDegradedAndHealthy() {
        f.registry.put("web", D1);
        Reconciler reconciler = f.reconciler(web(UpdatePolicy.defaults()));

        f.target.dockerDown = true;
        reconciler.run(Optional.empty());
        f.target.dockerDown = false;
        reconciler.run(Optional.empty());

        assertThat(f.events).startsWith("degraded docker unavailable: Cannot connect to the Docker daemon", "healthy");
    }

    private static ServiceConfig web(UpdatePolicy policy) {
        return Fixture.service("web", UpdateMode.AUTO, List.of(), false, policy);
    }
}
