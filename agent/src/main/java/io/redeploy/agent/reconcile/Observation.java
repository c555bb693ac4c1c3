package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.Hold;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What one poll learned about one service: the planner's whole input besides the config and the moment.
 *
 * @param registryDigest  the tag's digest now; empty when the registry could not answer
 * @param checkError      why the service could not be checked (registry or target), one line, when it could not
 * @param workload        what runs; empty when the target could not be asked
 * @param failedDigests   builds that failed before and are not tried again
 * @param digestSeenSince since when the tag has pointed at {@code registryDigest} (the cooldown clock)
 * @param signature       the signature check of {@code registryDigest}; empty until the planner asks for it
 * @param candidate       the new image's facts for pin-major; empty until the planner asks for them
 * @param hold            an operator's hold on the service (no automatic deploy while present)
 * @param approval        the digest waiting for an operator's approval ({@code policy: approve}), or approved
 */
public record Observation(
        Optional<Digest> registryDigest,
        Optional<String> checkError,
        Optional<Workload> workload,
        Set<Digest> failedDigests,
        Optional<Instant> digestSeenSince,
        Optional<SignatureCheck.Result> signature,
        Optional<Candidate> candidate,
        Optional<Hold> hold,
        Optional<Approval> approval) {

    public Observation {
        failedDigests = Set.copyOf(failedDigests);
        hold = hold == null ? Optional.empty() : hold;
        approval = approval == null ? Optional.empty() : approval;
    }

    /** A service that could not be checked at all. */
    public static Observation unchecked(String why) {
        return new Observation(
                Optional.empty(),
                Optional.of(why),
                Optional.empty(),
                Set.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    public Observation withSignature(SignatureCheck.Result result) {
        return new Observation(
                registryDigest,
                checkError,
                workload,
                failedDigests,
                digestSeenSince,
                Optional.of(result),
                candidate,
                hold,
                approval);
    }

    public Observation withCandidate(Candidate facts) {
        return new Observation(
                registryDigest,
                checkError,
                workload,
                failedDigests,
                digestSeenSince,
                signature,
                Optional.of(facts),
                hold,
                approval);
    }

    public Observation withHold(Optional<Hold> newHold) {
        return new Observation(
                registryDigest,
                checkError,
                workload,
                failedDigests,
                digestSeenSince,
                signature,
                candidate,
                newHold,
                approval);
    }

    public Observation withApproval(Optional<Approval> newApproval) {
        return new Observation(
                registryDigest,
                checkError,
                workload,
                failedDigests,
                digestSeenSince,
                signature,
                candidate,
                hold,
                newApproval);
    }

    /** The digest operators should see as running (see {@link Workload#shownDigest}). */
    public Optional<Digest> shownRunningDigest() {
        return workload.flatMap(w -> w.shownDigest(registryDigest));
    }

    /** The image a new digest would bring, as the registry describes it; or why it could not be read. */
    public record Candidate(Optional<ImageFacts> facts, String error) {
        public static Candidate of(ImageFacts facts) {
            return new Candidate(Optional.of(facts), "");
        }

        public static Candidate unknown(String error) {
            return new Candidate(Optional.empty(), error);
        }
    }
}
