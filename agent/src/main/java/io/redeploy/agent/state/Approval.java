package io.redeploy.agent.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A new build of a {@code policy: approve} service waiting for an operator, or approved and about to be deployed.
 * Kept in {@code state.json}, so a pending digest survives a restart. A newer build replaces it (the older one can no
 * longer be approved); the deploy of the approved digest clears it.
 *
 * @param digest     the pending digest (full form)
 * @param since      when the agent first found it waiting
 * @param approvedBy who approved it; empty while it waits
 * @param approvedAt when it was approved; empty while it waits
 */
public record Approval(String digest, Instant since, Optional<String> approvedBy, Optional<Instant> approvedAt) {
    public Approval {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(since, "since");
        approvedBy = approvedBy == null ? Optional.empty() : approvedBy;
        approvedAt = approvedAt == null ? Optional.empty() : approvedAt;
    }

    /** A digest that waits for an operator. */
    public static Approval pending(String digest, Instant since) {
        return new Approval(digest, since, Optional.empty(), Optional.empty());
    }

    public boolean approved() {
        return approvedBy.isPresent();
    }

    /** The same digest, approved by {@code by} at {@code at}. */
    public Approval approve(String by, Instant at) {
        return new Approval(digest, since, Optional.of(by), Optional.of(at));
    }
}
