package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.config.VerifyConfig;
import io.redeploy.agent.config.VerifyConfig.TrustedKey;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.SignatureCheck.Result.Kind;
import io.redeploy.agent.state.DeployRecord;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signature check as the reconciler uses it: asked only when a deploy would follow, before the pull. */
class ReconcilerSignatureTest {
    private static final Digest D1 = Digest.parse("sha256:" + "1".repeat(64));
    private static final Digest D2 = Digest.parse("sha256:" + "2".repeat(64));

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
    void aVerifiedDigestIsDeployed() {
        f.reconciler(verified(UpdatePolicy.defaults())).run(Optional.empty());

        assertThat(f.signatureChecks).containsExactly(D2);
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
        f.events.removeIf("healthy"::equals);
        assertThat(f.events).containsExactly("new " + D2.shortForm() + " deploy=true", "finished DEPLOYED");
    }

    @Test
    void aRefusedDigestIsNeverPulledIsRecordedOnceAndNotMarkedFailed() {
        f.signature = new SignatureCheck.Result(Kind.REFUSED, "no cosign signature: tag sha256-2222.sig not found");
        Reconciler reconciler = f.reconciler(verified(UpdatePolicy.defaults()));

        Reconciler.Report report = reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(report.deploys()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeployResult.Outcome.REFUSED);
            assertThat(r.from()).contains(D1);
        });
        DeployRecord record = f.state.get("web").lastDeploy().orElseThrow();
        assertThat(record.outcome()).isEqualTo("refused");
        assertThat(record.reason()).isEqualTo("signature: no cosign signature: tag sha256-2222.sig not found");
        assertThat(record.to()).isEqualTo(D2.value());
        assertThat(f.state.get("web").failedDigests())
                .as("re-checked by the signature check, not skipped")
                .isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).isEqualTo("new-digest (refused: signature)");
        f.events.removeIf("healthy"::equals);
        assertThat(f.events).containsExactly("finished REFUSED"); // no "deploying" digest.new for a refused build

        f.signature = new SignatureCheck.Result(Kind.STILL_REFUSED, f.signature.detail());
        reconciler.run(Optional.empty());

        assertThat(f.signatureChecks).containsExactly(D2, D2);
        assertThat(f.state.get("web").history()).hasSize(1);
        f.events.removeIf("healthy"::equals);
        assertThat(f.events).containsExactly("finished REFUSED");
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("new-digest (refused: signature; checked again when its .sig tag changes)");

        f.signature = new SignatureCheck.Result(Kind.VERIFIED, "cosign.pub");
        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
        assertThat(f.state.get("web").lastDeploy().orElseThrow().outcome()).isEqualTo("deployed");
    }

    @Test
    void anOldSignedBuildReTaggedIsRefusedAndRememberedButTheOperatorRollsBackToItOnPurpose() throws Exception {
        io.redeploy.agent.image.ImageFacts november = built("2026-11-01T00:00:00Z");
        io.redeploy.agent.image.ImageFacts december = built("2026-12-01T00:00:00Z");
        ServiceConfig web = verified(UpdatePolicy.defaults());
        Reconciler reconciler = f.reconciler(web);
        OperatorActions actions = f.actions(web);
        f.target.facts.put("web", november);
        f.candidateFacts = december;
        reconciler.run(Optional.empty());
        assertThat(f.target.running.get("web")).isEqualTo(D2);

        // Someone with a registry write token (not the signing key) points :main back at the old signed build.
        f.target.facts.put("web", december);
        f.registry.put("web", D1);
        f.candidateFacts = november;
        reconciler.run(Optional.empty());
        reconciler.run(Optional.empty());

        assertThat(f.target.running.get("web")).isEqualTo(D2);
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
        DeployRecord refused = f.state.get("web").lastDeploy().orElseThrow();
        assertThat(refused.outcome()).isEqualTo("refused");
        assertThat(refused.reason())
                .contains("built 2026-11-01T00:00:00Z, before the running build (2026-12-01T00:00:00Z)")
                .contains("redeploy-agent rollback");
        assertThat(f.state.get("web").failedDigests()).containsExactly(D1.value());
        assertThat(f.state.get("web").lastCheck().orElseThrow().result()).startsWith("new-digest");

        // The operator's rollback is the way back on purpose: it does not pass the planner's rule.
        DeployResult back = actions.execute(actions.rollback("web", Optional.empty(), "alice", "bad release"));

        assertThat(back.outcome()).isEqualTo(DeployResult.Outcome.DEPLOYED);
        assertThat(f.target.running.get("web")).isEqualTo(D1);
    }

    private static io.redeploy.agent.image.ImageFacts built(String created) {
        return new io.redeploy.agent.image.ImageFacts(
                java.util.Map.of(), java.util.Map.of(), Optional.of(java.time.Instant.parse(created)));
    }

    @Test
    void aRegistryFailureDuringTheCheckIsAnErrorToRetryNotARefusal() {
        f.signature = new SignatureCheck.Result(Kind.UNAVAILABLE, "registry answered HTTP 503 for repository acme/web");
        Reconciler reconciler = f.reconciler(verified(UpdatePolicy.defaults()));

        reconciler.run(Optional.empty());

        assertThat(f.target.deploys()).isEmpty();
        assertThat(f.state.get("web").history()).isEmpty();
        assertThat(f.state.get("web").failedDigests()).isEmpty();
        assertThat(f.state.get("web").lastCheck().orElseThrow().result())
                .isEqualTo("error: signature check: registry answered HTTP 503 for repository acme/web");
        f.events.removeIf("healthy"::equals);
        assertThat(f.events).isEmpty();

        f.signature = new SignatureCheck.Result(Kind.VERIFIED, "cosign.pub");
        reconciler.run(Optional.empty());
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
    }

    @Test
    void aDigestInItsCooldownIsNotCheckedYet() {
        Reconciler reconciler = f.reconciler(verified(UpdatePolicy.defaults().withCooldown(Duration.ofMinutes(10))));

        reconciler.run(Optional.empty());

        assertThat(f.signatureChecks).isEmpty();
        f.clock.advance(Duration.ofMinutes(10));
        reconciler.run(Optional.empty());
        assertThat(f.signatureChecks).containsExactly(D2);
        assertThat(f.target.deploys()).containsExactly("deploy web " + D2.shortForm());
    }

    @Test
    void aReportOnlyServiceIsNeverChecked() {
        f.reconciler(verified(UpdatePolicy.of(UpdatePolicy.Kind.NOTIFY))).run(Optional.empty());

        assertThat(f.signatureChecks).isEmpty();
        assertThat(f.target.deploys()).isEmpty();
    }

    @Test
    void aServiceWithoutVerifyIsNeverChecked() {
        f.reconciler(Fixture.service("web")).run(Optional.empty());

        assertThat(f.signatureChecks).isEmpty();
        assertThat(f.target.deploys()).hasSize(1);
    }

    private static ServiceConfig verified(UpdatePolicy policy) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            TrustedKey key =
                    new TrustedKey("cosign.pub", generator.generateKeyPair().getPublic());
            return Fixture.service(
                    "web", UpdateMode.AUTO, List.of(), false, policy.withVerify(new VerifyConfig(List.of(key))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
