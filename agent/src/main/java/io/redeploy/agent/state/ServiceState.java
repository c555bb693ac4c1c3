package io.redeploy.agent.state;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent knows about one service, as an immutable snapshot.
 * {@code image} is {@code ImageRef.toString()} ({@code name:tag}); empty until the first check records it.
 * {@code failedDigests} keeps insertion order (oldest first); {@code history} is oldest first and
 * {@code lastDeploy} is its last element. {@code hold} is an operator's hold (no automatic deploy while present);
 * {@code approval} a digest of a {@code policy: approve} service waiting for (or given) an operator's approval.
 */
public record ServiceState(
        String service,
        String image,
        Optional<String> runningDigest,
        Optional<String> registryDigest,
        Optional<Check> lastCheck,
        Optional<DeployRecord> lastDeploy,
        Set<String> failedDigests,
        List<DeployRecord> history,
        Optional<Hold> hold,
        Optional<Approval> approval) {

    public ServiceState {
        Objects.requireNonNull(service, "service");
        image = image == null ? "" : image;
        failedDigests = Collections.unmodifiableSet(new LinkedHashSet<>(failedDigests));
        history = List.copyOf(history);
        hold = hold == null ? Optional.empty() : hold;
        approval = approval == null ? Optional.empty() : approval;
    }

    /** The state as before approvals existed: nothing waits for an operator. */
    public ServiceState(
            String service,
            String image,
            Optional<String> runningDigest,
            Optional<String> registryDigest,
            Optional<Check> lastCheck,
            Optional<DeployRecord> lastDeploy,
            Set<String> failedDigests,
            List<DeployRecord> history,
            Optional<Hold> hold) {
        this(
                service,
                image,
                runningDigest,
                registryDigest,
                lastCheck,
                lastDeploy,
                failedDigests,
                history,
                hold,
                Optional.empty());
    }

    /** The same service with its hold placed (present) or released (empty). */
    public ServiceState withHold(Optional<Hold> newHold) {
        return new ServiceState(
                service,
                image,
                runningDigest,
                registryDigest,
                lastCheck,
                lastDeploy,
                failedDigests,
                history,
                newHold,
                approval);
    }

    /** The same service with a digest waiting for (or given) approval, or none. */
    public ServiceState withApproval(Optional<Approval> newApproval) {
        return new ServiceState(
                service,
                image,
                runningDigest,
                registryDigest,
                lastCheck,
                lastDeploy,
                failedDigests,
                history,
                hold,
                newApproval);
    }

    /** A service the agent has not checked yet. */
    public static ServiceState empty(String service) {
        return new ServiceState(
                service,
                "",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Set.of(),
                List.of(),
                Optional.empty());
    }

    /** The image name without its tag ({@code 127.0.0.1:5000/team/web}); empty when unknown. */
    public String imageName() {
        int tagColon = tagColon();
        return tagColon < 0 ? image : image.substring(0, tagColon);
    }

    /** The watched tag ({@code main}); empty when unknown. */
    public String tag() {
        int tagColon = tagColon();
        return tagColon < 0 ? "" : image.substring(tagColon + 1);
    }

    // The tag colon is the last one after the last slash: a registry port ("host:5000/x") is not a tag.
    private int tagColon() {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? colon : -1;
    }
}
