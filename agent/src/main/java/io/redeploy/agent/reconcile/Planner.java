package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.Decision.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, without touching anything, what one poll does with one service: every admission rule lives here, in
 * the order below, so each is a row of a table test. The signature check and the new image's facts are inputs the
 * observer fetches only when a decision needs them ({@link Kind#NEEDS_SIGNATURE}, {@link Kind#NEEDS_CANDIDATE}): the
 * steady state costs one registry request per tag.
 *
 * <ol>
 *   <li>the registry or the target could not be asked: nothing changes;
 *   <li>the container exists but does not run: down (reported, left alone), or revived with {@code revive_stopped}
 *       (a new build is deployed then, which starts a new container);
 *   <li>what runs is the registry's digest: unchanged;
 *   <li>{@code policy: notify}: report only;
 *   <li>an operator holds the service: deferred until released ("held by who since when: why");
 *   <li>the digest failed before: wait for a newer build;
 *   <li>the agent is stopping: deferred to the next start;
 *   <li>a dependency failed to deploy in this poll: postponed;
 *   <li>the cooldown has not passed: wait;
 *   <li>{@code verify:} and the digest is not signed as required: refused;
 *   <li>{@code verify:} and the signed image was built before the one that runs: refused (an old signed build
 *       re-tagged; {@code verify.allow_older: true} turns it off; an operator's rollback never comes here);
 *   <li>{@code pin-major} and the major version would change: refused;
 *   <li>{@code policy: approve} and no operator approved this digest: it waits as pending (last, so only a digest
 *       that would otherwise be deployed is offered for approval);
 *   <li>else deploy.
 * </ol>
 */
public final class Planner {

    /** What the poll in progress knows beyond one service's observation. */
    public record Context(Instant now, boolean stopping, Set<String> failedThisPoll) {
        public Context {
            failedThisPoll = Set.copyOf(failedThisPoll);
        }
    }

    public Decision decide(ServiceConfig service, Observation seen, Context context) {
        Optional<Digest> running = seen.shownRunningDigest();
        if (seen.checkError().isPresent()
                || seen.registryDigest().isEmpty()
                || seen.workload().isEmpty()) {
            return new Decision(
                    service,
                    Kind.NOT_CHECKED,
                    seen.registryDigest(),
                    running,
                    seen.checkError().orElse(""));
        }
        Digest target = seen.registryDigest().get();
        Workload workload = seen.workload().get();
        Optional<Kind> verdict = admission(service, seen, context, target, workload);
        String detail = switch (verdict.orElse(Kind.DEPLOY)) {
            case DOWN, REVIVE -> workload.status();
            case COOLING_DOWN ->
                String.valueOf(
                        cooldownLeft(service, seen, context.now()).orElseThrow().toSeconds());
            case SIGNATURE_UNAVAILABLE -> seen.signature().orElseThrow().detail();
            case REFUSED_SIGNATURE, STILL_REFUSED_SIGNATURE ->
                "signature: " + seen.signature().orElseThrow().detail();
            case CANDIDATE_UNKNOWN -> seen.candidate().orElseThrow().error();
            case REFUSED_MAJOR -> majorRefusal(seen, workload).orElseThrow();
            case REFUSED_OLDER ->
                OlderBuildRule.refusal(workload.imageFacts(), candidateFacts(seen))
                        .orElseThrow();
            case HELD -> seen.hold().orElseThrow().describe();
            default -> "";
        };
        return new Decision(service, verdict.orElse(Kind.DEPLOY), Optional.of(target), running, detail);
    }

    /** The first rule that holds the digest back, in the documented order; empty when it may be deployed. */
    private static Optional<Kind> admission(
            ServiceConfig service, Observation seen, Context context, Digest target, Workload workload) {
        if (workload.exists() && !workload.running()) {
            if (!service.reviveStopped()) {
                return Optional.of(Kind.DOWN);
            }
            if (workload.runs(target)) {
                return Optional.of(Kind.REVIVE);
            }
        }
        if (workload.exists() && workload.running() && workload.runs(target)) {
            return Optional.of(Kind.UNCHANGED);
        }
        if (service.mode() == ServiceConfig.UpdateMode.MONITOR) {
            return Optional.of(Kind.REPORT_ONLY);
        }
        if (seen.hold().isPresent()) {
            return Optional.of(Kind.HELD);
        }
        if (seen.failedDigests().contains(target)) {
            return Optional.of(Kind.SKIP_FAILED);
        }
        if (context.stopping()) {
            return Optional.of(Kind.DEFERRED_STOPPING);
        }
        if (service.dependsOn().stream().anyMatch(context.failedThisPoll()::contains)) {
            return Optional.of(Kind.POSTPONED_DEPENDENCY);
        }
        if (cooldownLeft(service, seen, context.now()).isPresent()) {
            return Optional.of(Kind.COOLING_DOWN);
        }
        if (service.policy().verify().isPresent()) {
            if (seen.signature().isEmpty()) {
                return Optional.of(Kind.NEEDS_SIGNATURE);
            }
            switch (seen.signature().get().kind()) {
                case UNAVAILABLE -> {
                    return Optional.of(Kind.SIGNATURE_UNAVAILABLE);
                }
                case REFUSED -> {
                    return Optional.of(Kind.REFUSED_SIGNATURE);
                }
                case STILL_REFUSED -> {
                    return Optional.of(Kind.STILL_REFUSED_SIGNATURE);
                }
                case VERIFIED, NOT_REQUIRED -> {}
            }
        }
        // Only against a running image: the first deploy of a service has nothing to compare with.
        if (OlderBuildRule.applies(service, workload)) {
            if (seen.candidate().isEmpty()) {
                return Optional.of(Kind.NEEDS_CANDIDATE);
            }
            if (seen.candidate().get().facts().isEmpty()) {
                return Optional.of(Kind.CANDIDATE_UNKNOWN);
            }
            if (OlderBuildRule.refusal(workload.imageFacts(), candidateFacts(seen))
                    .isPresent()) {
                return Optional.of(Kind.REFUSED_OLDER);
            }
        }
        if (service.policy().kind() == UpdatePolicy.Kind.PIN_MAJOR && workload.exists()) {
            if (seen.candidate().isEmpty()) {
                return Optional.of(Kind.NEEDS_CANDIDATE);
            }
            if (seen.candidate().get().facts().isEmpty()) {
                return Optional.of(Kind.CANDIDATE_UNKNOWN);
            }
            if (majorRefusal(seen, workload).isPresent()) {
                return Optional.of(Kind.REFUSED_MAJOR);
            }
        }
        if (service.policy().kind() == UpdatePolicy.Kind.APPROVE && !approved(seen, target)) {
            return Optional.of(Kind.AWAITING_APPROVAL);
        }
        return Optional.empty();
    }

    private static io.redeploy.agent.image.ImageFacts candidateFacts(Observation seen) {
        return seen.candidate().orElseThrow().facts().orElseThrow();
    }

    private static boolean approved(Observation seen, Digest target) {
        return seen.approval()
                .filter(a -> a.approved() && a.digest().equals(target.value()))
                .isPresent();
    }

    private static Optional<String> majorRefusal(Observation seen, Workload workload) {
        return MajorVersionRule.refusal(
                workload.imageFacts(), seen.candidate().orElseThrow().facts().orElseThrow());
    }

    /** How much longer the digest must stay the tag's digest; empty when ripe (or without a cooldown). */
    static Optional<Duration> cooldownLeft(ServiceConfig service, Observation seen, Instant now) {
        Duration cooldown = service.policy().cooldown();
        if (cooldown.isZero()) {
            return Optional.empty();
        }
        Instant since = seen.digestSeenSince().orElse(now);
        Duration left = cooldown.minus(Duration.between(since, now));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }
}
