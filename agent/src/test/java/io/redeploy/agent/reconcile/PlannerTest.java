package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.config.VerifyConfig;
import io.redeploy.agent.config.VerifyConfig.TrustedKey;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.Decision.Kind;
import io.redeploy.agent.reconcile.Observation.Candidate;
import io.redeploy.agent.reconcile.SignatureCheck.Result;
import io.redeploy.agent.state.Approval;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every admission rule of the planner as a row: what is observed, what is decided, and why. */
class PlannerTest {
    private static final Digest OLD = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest NEW = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest OTHER_ARCH = Digest.parse("sha256:" + "c".repeat(64));
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final ImageFacts PG15 = new ImageFacts(Map.of(), Map.of("PG_MAJOR", "15"));
    private static final ImageFacts PG16 = new ImageFacts(Map.of(), Map.of("PG_MAJOR", "16"));
    private static final ImageFacts BUILT_NOV =
            new ImageFacts(Map.of(), Map.of(), Optional.of(Instant.parse("2026-11-01T00:00:00Z")));
    private static final ImageFacts BUILT_DEC =
            new ImageFacts(Map.of(), Map.of(), Optional.of(Instant.parse("2026-12-01T00:00:00Z")));
    private static final Result SIGNED = new Result(Result.Kind.VERIFIED, "cosign.pub");

    private final Planner planner = new Planner();

    /** A row: how the service (auto, no policy) and the observation (OLD runs, NEW in the registry) differ. */
    private record Row(
            UnaryOperator<ServiceConfig> service,
            UnaryOperator<Observation> seen,
            boolean stopping,
            Set<String> failedThisPoll,
            Kind expected,
            String detail) {}

    private static final io.redeploy.agent.state.Hold HOLD =
            new io.redeploy.agent.state.Hold("alice", java.time.Instant.parse("2026-12-01T09:00:00Z"), "bad build");

    private static final Approval APPROVED =
            new Approval(NEW.value(), NOW.minusSeconds(600), Optional.of("alice"), Optional.of(NOW.minusSeconds(60)));

    static Stream<Arguments> rules() {
        return Stream.of(
                row(
                        "registry did not answer",
                        s -> s,
                        o -> Observation.unchecked("tag not found"),
                        Kind.NOT_CHECKED,
                        "tag not found"),
                row(
                        "docker could not be asked",
                        s -> s,
                        o -> Observation.unchecked("docker: gone"),
                        Kind.NOT_CHECKED,
                        "docker: gone"),
                row(
                        "running digest is the registry's",
                        s -> s,
                        o -> running(o, Set.of(OTHER_ARCH, NEW)),
                        Kind.UNCHANGED,
                        ""),
                row("a new digest is deployed", s -> s, o -> o, Kind.DEPLOY, ""),
                row(
                        "no container yet: deployed",
                        s -> s,
                        o -> withWorkload(o, Workload.absent("web")),
                        Kind.DEPLOY,
                        ""),
                row(
                        "a container that is gone is recreated even when its image is current",
                        s -> s,
                        o -> withWorkload(
                                o,
                                new Workload(
                                        "web",
                                        Optional.empty(),
                                        Optional.empty(),
                                        Set.of(NEW),
                                        false,
                                        false,
                                        Optional.empty(),
                                        Optional.empty(),
                                        "")),
                        Kind.DEPLOY,
                        ""),
                row(
                        "a stopped container is down and left alone",
                        s -> s,
                        o -> stopped(o, Set.of(NEW)),
                        Kind.DOWN,
                        "exited (exit code 0)"),
                row("a stopped container holds a new build back", s -> s, o -> stopped(o, Set.of(OLD)), Kind.DOWN, ""),
                row("down wins over notify", PlannerTest::notify, o -> stopped(o, Set.of(OLD)), Kind.DOWN, ""),
                row(
                        "revive_stopped starts it again",
                        PlannerTest::revive,
                        o -> stopped(o, Set.of(NEW)),
                        Kind.REVIVE,
                        "exited"),
                row(
                        "revive_stopped deploys a new build onto it",
                        PlannerTest::revive,
                        o -> stopped(o, Set.of(OLD)),
                        Kind.DEPLOY,
                        ""),
                row("policy notify only reports", PlannerTest::notify, o -> o, Kind.REPORT_ONLY, ""),
                row("notify wins over a failed digest", PlannerTest::notify, o -> failed(o, NEW), Kind.REPORT_ONLY, ""),
                row("a digest that failed before is not retried", s -> s, o -> failed(o, NEW), Kind.SKIP_FAILED, ""),
                row(
                        "a held service defers a new digest",
                        s -> s,
                        o -> o.withHold(Optional.of(HOLD)),
                        Kind.HELD,
                        "held by alice since 2026-12-01T09:00:00Z: bad build"),
                row(
                        "a hold wins over a failed digest",
                        s -> s,
                        o -> failed(o, NEW).withHold(Optional.of(HOLD)),
                        Kind.HELD,
                        "held by alice since 2026-12-01T09:00:00Z: bad build"),
                row(
                        "a held service that runs the registry's digest is unchanged",
                        s -> s,
                        o -> running(o, Set.of(NEW)).withHold(Optional.of(HOLD)),
                        Kind.UNCHANGED,
                        ""),
                row("approve: a new digest waits", PlannerTest::approve, o -> o, Kind.AWAITING_APPROVAL, ""),
                row(
                        "approve: a digest pending, not approved yet, still waits",
                        PlannerTest::approve,
                        o -> o.withApproval(Optional.of(Approval.pending(NEW.value(), NOW))),
                        Kind.AWAITING_APPROVAL,
                        ""),
                row(
                        "approve: the approved digest is deployed",
                        PlannerTest::approve,
                        o -> o.withApproval(Optional.of(APPROVED)),
                        Kind.DEPLOY,
                        ""),
                row(
                        "approve: an approval of an older build does not let a newer one through",
                        PlannerTest::approve,
                        o -> o.withApproval(Optional.of(
                                new Approval(OTHER_ARCH.value(), NOW, Optional.of("alice"), Optional.of(NOW)))),
                        Kind.AWAITING_APPROVAL,
                        ""),
                row(
                        "approve: a hold wins over an approval",
                        PlannerTest::approve,
                        o -> o.withHold(Optional.of(HOLD)).withApproval(Optional.of(APPROVED)),
                        Kind.HELD,
                        "held by alice since 2026-12-01T09:00:00Z: bad build"),
                row(
                        "approve: a failed digest is not offered again",
                        PlannerTest::approve,
                        o -> failed(o, NEW),
                        Kind.SKIP_FAILED,
                        ""),
                row(
                        "approve: the cooldown passes before a digest is offered",
                        s -> cooldown(approve(s), 300),
                        o -> o,
                        Kind.COOLING_DOWN,
                        "300"),
                row(
                        "approve: the registry's digest running is unchanged",
                        PlannerTest::approve,
                        o -> running(o, Set.of(NEW)),
                        Kind.UNCHANGED,
                        ""),
                row("a newer digest after a failure is tried", s -> s, o -> failed(o, OTHER_ARCH), Kind.DEPLOY, ""),
                row("the agent is stopping", s -> s, o -> o, true, Set.of(), Kind.DEFERRED_STOPPING, ""),
                row(
                        "a dependency failed in this poll",
                        PlannerTest::dependsOnDb,
                        o -> o,
                        false,
                        Set.of("db"),
                        Kind.POSTPONED_DEPENDENCY,
                        ""),
                row(
                        "stopping wins over a failed dependency",
                        PlannerTest::dependsOnDb,
                        o -> o,
                        true,
                        Set.of("db"),
                        Kind.DEFERRED_STOPPING,
                        ""),
                row(
                        "an unrelated failure does not hold it back",
                        PlannerTest::dependsOnDb,
                        o -> o,
                        false,
                        Set.of("api"),
                        Kind.DEPLOY,
                        ""),
                row("cooldown not passed", s -> cooldown(s, 300), o -> seenFor(o, 60), Kind.COOLING_DOWN, "240"),
                row("cooldown starts now when first seen", s -> cooldown(s, 300), o -> o, Kind.COOLING_DOWN, "300"),
                row("cooldown passed", s -> cooldown(s, 300), o -> seenFor(o, 301), Kind.DEPLOY, ""),
                row(
                        "cooldown wins over a missing signature",
                        s -> verified(cooldown(s, 300)),
                        o -> o,
                        Kind.COOLING_DOWN,
                        "300"),
                row("verify: the signature is asked for", PlannerTest::verified, o -> o, Kind.NEEDS_SIGNATURE, ""),
                row(
                        "verify: signed",
                        PlannerTest::verified,
                        o -> o.withSignature(new Result(Result.Kind.VERIFIED, "key.pub")),
                        Kind.DEPLOY,
                        ""),
                row(
                        "verify: not signed",
                        PlannerTest::verified,
                        o -> o.withSignature(new Result(Result.Kind.REFUSED, "no signature")),
                        Kind.REFUSED_SIGNATURE,
                        "signature: no signature"),
                row(
                        "verify: refusal unchanged",
                        PlannerTest::verified,
                        o -> o.withSignature(new Result(Result.Kind.STILL_REFUSED, "no signature")),
                        Kind.STILL_REFUSED_SIGNATURE,
                        "signature: no signature"),
                row(
                        "verify: registry failed",
                        PlannerTest::verified,
                        o -> o.withSignature(new Result(Result.Kind.UNAVAILABLE, "503")),
                        Kind.SIGNATURE_UNAVAILABLE,
                        "503"),
                row(
                        "pin-major: the new image's facts are asked for",
                        PlannerTest::pinMajor,
                        o -> facts(o, PG15),
                        Kind.NEEDS_CANDIDATE,
                        ""),
                row(
                        "pin-major: same major",
                        PlannerTest::pinMajor,
                        o -> facts(o, PG15).withCandidate(Candidate.of(PG15)),
                        Kind.DEPLOY,
                        ""),
                row(
                        "pin-major: major change refused",
                        PlannerTest::pinMajor,
                        o -> facts(o, PG15).withCandidate(Candidate.of(PG16)),
                        Kind.REFUSED_MAJOR,
                        "major version change 15 -> 16"),
                row(
                        "pin-major: running image not inspectable",
                        PlannerTest::pinMajor,
                        o -> o.withCandidate(Candidate.of(PG16)),
                        Kind.REFUSED_MAJOR,
                        "cannot be inspected"),
                row(
                        "pin-major: new image's config unreadable",
                        PlannerTest::pinMajor,
                        o -> facts(o, PG15).withCandidate(Candidate.unknown("registry sent 404")),
                        Kind.CANDIDATE_UNKNOWN,
                        "registry sent 404"),
                row(
                        "pin-major: nothing runs yet, nothing to compare",
                        PlannerTest::pinMajor,
                        o -> withWorkload(o, Workload.absent("web")),
                        Kind.DEPLOY,
                        ""),
                row(
                        "verify: a signed build older than the running one asks for its facts",
                        PlannerTest::verified,
                        o -> facts(o, BUILT_DEC).withSignature(SIGNED),
                        Kind.NEEDS_CANDIDATE,
                        ""),
                row(
                        "verify: an old signed build re-tagged is refused",
                        PlannerTest::verified,
                        o -> facts(o, BUILT_DEC).withSignature(SIGNED).withCandidate(Candidate.of(BUILT_NOV)),
                        Kind.REFUSED_OLDER,
                        "built 2026-11-01T00:00:00Z, before the running build (2026-12-01T00:00:00Z)"),
                row(
                        "verify: a newer or equally old signed build is deployed",
                        PlannerTest::verified,
                        o -> facts(o, BUILT_NOV).withSignature(SIGNED).withCandidate(Candidate.of(BUILT_NOV)),
                        Kind.DEPLOY,
                        ""),
                row(
                        "verify: a signed build without a creation time is refused",
                        PlannerTest::verified,
                        o -> facts(o, BUILT_DEC).withSignature(SIGNED).withCandidate(Candidate.of(PG15)),
                        Kind.REFUSED_OLDER,
                        "no creation time"),
                row(
                        "verify: allow_older accepts an older build",
                        s -> s.withPolicy(s.policy().withVerify(allowOlder(verified(s)))),
                        o -> facts(o, BUILT_DEC).withSignature(SIGNED).withCandidate(Candidate.of(BUILT_NOV)),
                        Kind.DEPLOY,
                        ""),
                row(
                        "verify: the running image's age unknown, nothing to compare",
                        PlannerTest::verified,
                        o -> facts(o, PG15).withSignature(SIGNED),
                        Kind.DEPLOY,
                        ""),
                row(
                        "verify: the new image's config unreadable is tried again",
                        PlannerTest::verified,
                        o -> facts(o, BUILT_DEC).withSignature(SIGNED).withCandidate(Candidate.unknown("404")),
                        Kind.CANDIDATE_UNKNOWN,
                        "404"),
                row(
                        "pin-major after verify: the signature is asked for first",
                        s -> pinMajor(verified(s)),
                        o -> facts(o, PG15),
                        Kind.NEEDS_SIGNATURE,
                        ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void decides(String rule, Row row) {
        ServiceConfig service = row.service().apply(web());
        Observation seen = row.seen().apply(observation());

        Decision decision =
                planner.decide(service, seen, new Planner.Context(NOW, row.stopping(), row.failedThisPoll()));

        assertThat(decision.kind()).as(rule).isEqualTo(row.expected());
        assertThat(decision.detail()).as(rule).contains(row.detail());
        assertThat(decision.service()).isSameAs(service);
    }

    @Test
    void theRunningDigestShownIsTheRegistrysWhenItRunsElseTheSmallest() {
        Decision unchanged = planner.decide(web(), running(observation(), Set.of(OTHER_ARCH, NEW)), context());
        Decision changed = planner.decide(web(), running(observation(), Set.of(OTHER_ARCH, OLD)), context());

        assertThat(unchanged.running()).contains(NEW);
        assertThat(changed.running()).contains(OLD);
        assertThat(changed.target()).contains(NEW);
    }

    @Test
    void everyDecisionHasACheckTextAndRefusalsBlockDependents() {
        for (Kind kind : Kind.values()) {
            Decision decision = new Decision(web(), kind, Optional.of(NEW), Optional.of(OLD), "why");
            assertThat(decision.checkText()).as(kind.name()).isNotBlank();
        }
        assertThat(new Decision(web(), Kind.REFUSED_MAJOR, Optional.of(NEW), Optional.of(OLD), "x").blocksDependents())
                .isTrue();
        assertThat(new Decision(web(), Kind.DEPLOY, Optional.of(NEW), Optional.of(OLD), "").blocksDependents())
                .isFalse();
    }

    private static Arguments row(
            String name,
            UnaryOperator<ServiceConfig> service,
            UnaryOperator<Observation> seen,
            Kind expected,
            String detail) {
        return row(name, service, seen, false, Set.of(), expected, detail);
    }

    private static Arguments row(
            String name,
            UnaryOperator<ServiceConfig> service,
            UnaryOperator<Observation> seen,
            boolean stopping,
            Set<String> failedThisPoll,
            Kind expected,
            String detail) {
        return Arguments.of(name, new Row(service, seen, stopping, failedThisPoll, expected, detail));
    }

    private static Planner.Context context() {
        return new Planner.Context(NOW, false, Set.of());
    }

    private static Observation observation() {
        Workload running = new Workload(
                "web",
                Optional.of("c1"),
                Optional.of("sha256:img"),
                Set.of(OLD),
                true,
                true,
                Optional.empty(),
                Optional.empty(),
                "");
        return new Observation(
                Optional.of(NEW),
                Optional.empty(),
                Optional.of(running),
                Set.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static Observation withWorkload(Observation o, Workload workload) {
        return new Observation(
                o.registryDigest(),
                o.checkError(),
                Optional.of(workload),
                o.failedDigests(),
                o.digestSeenSince(),
                o.signature(),
                o.candidate(),
                Optional.empty(),
                Optional.empty());
    }

    private static Observation running(Observation o, Set<Digest> digests) {
        return withWorkload(
                o,
                new Workload(
                        "web",
                        Optional.of("c1"),
                        Optional.of("sha256:img"),
                        digests,
                        true,
                        true,
                        Optional.empty(),
                        Optional.empty(),
                        ""));
    }

    private static Observation stopped(Observation o, Set<Digest> digests) {
        return withWorkload(
                o,
                new Workload(
                        "web",
                        Optional.of("c1"),
                        Optional.of("sha256:img"),
                        digests,
                        false,
                        true,
                        Optional.empty(),
                        Optional.empty(),
                        "exited (exit code 0)"));
    }

    private static ServiceConfig approve(ServiceConfig s) {
        return s.withPolicy(s.policy().withKind(UpdatePolicy.Kind.APPROVE));
    }

    private static ServiceConfig revive(ServiceConfig s) {
        return s.toBuilder().reviveStopped(true).build();
    }

    private static Observation facts(Observation o, ImageFacts facts) {
        Workload w = o.workload().orElseThrow();
        return withWorkload(
                o,
                new Workload(
                        w.service(),
                        w.id(),
                        w.imageId(),
                        w.repoDigests(),
                        w.running(),
                        w.managed(),
                        w.labelDigest(),
                        Optional.of(facts),
                        ""));
    }

    private static Observation failed(Observation o, Digest digest) {
        return new Observation(
                o.registryDigest(),
                o.checkError(),
                o.workload(),
                Set.of(digest),
                o.digestSeenSince(),
                o.signature(),
                o.candidate(),
                Optional.empty(),
                Optional.empty());
    }

    private static Observation seenFor(Observation o, long seconds) {
        return new Observation(
                o.registryDigest(),
                o.checkError(),
                o.workload(),
                o.failedDigests(),
                Optional.of(NOW.minusSeconds(seconds)),
                o.signature(),
                o.candidate(),
                Optional.empty(),
                Optional.empty());
    }

    private static ServiceConfig notify(ServiceConfig s) {
        return s.withPolicy(UpdatePolicy.of(UpdatePolicy.Kind.NOTIFY));
    }

    private static ServiceConfig pinMajor(ServiceConfig s) {
        return s.withPolicy(s.policy().withKind(UpdatePolicy.Kind.PIN_MAJOR));
    }

    private static ServiceConfig cooldown(ServiceConfig s, long seconds) {
        return s.withPolicy(s.policy().withCooldown(Duration.ofSeconds(seconds)));
    }

    private static ServiceConfig verified(ServiceConfig s) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            TrustedKey key =
                    new TrustedKey("cosign.pub", generator.generateKeyPair().getPublic());
            return s.withPolicy(s.policy().withVerify(new VerifyConfig(List.of(key))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerifyConfig allowOlder(ServiceConfig verified) {
        VerifyConfig v = verified.policy().verify().orElseThrow();
        return new VerifyConfig(v.keys(), v.allowedReferences(), true);
    }

    private static ServiceConfig dependsOnDb(ServiceConfig s) {
        return ServiceConfig.builder(s.name(), s.image())
                .containerName(s.containerName())
                .mode(s.mode())
                .env(s.env())
                .ports(s.ports())
                .volumes(s.volumes())
                .network(s.network())
                .networkAliases(s.networkAliases())
                .dependsOn(List.of("db"))
                .health(s.health())
                .stopTimeout(s.stopTimeout())
                .restartPolicy(s.restartPolicy())
                .command(s.command())
                .labels(s.labels())
                .policy(s.policy())
                .strategy(s.strategy())
                .proxy(s.proxy())
                .build();
    }

    static ServiceConfig web() {
        return ServiceConfig.builder("web", ImageRef.parse("127.0.0.1:5000/acme/web", "main"))
                .stopTimeout(Duration.ofSeconds(10))
                .restartPolicy("unless-stopped")
                .build();
    }
}
