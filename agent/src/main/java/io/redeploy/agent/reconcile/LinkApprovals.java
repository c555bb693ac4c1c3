package io.redeploy.agent.reconcile;

import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.state.Approval;
import io.redeploy.agent.state.StateStore;
import java.util.Optional;

/**
 * An approval through a signed link ({@link ApprovalLinks}): the link must be valid, unexpired and name the very
 * pending record that waits now; then it is an approval like {@code POST /v1/approve}, by {@code link}.
 */
public final class LinkApprovals {
    /** {@code by} of an approval through a link: the link is all the agent knows of who clicked it. */
    public static final String BY = "link";

    private final ApprovalLinks links;
    private final StateStore state;
    private final OperatorActions actions;

    public LinkApprovals(ApprovalLinks links, StateStore state, OperatorActions actions) {
        this.links = links;
        this.state = state;
        this.actions = actions;
    }

    /** What the link would approve, checked as {@link #approve} checks it; nothing is touched. */
    public ApprovalLinks.Claim preview(String token) throws ActionRefusedException {
        ApprovalLinks.Claim claim = links.verify(token);
        Optional<Approval> waiting = state.get(claim.service()).approval();
        if (waiting.isEmpty()
                || !waiting.get().digest().equals(claim.digest())
                || !waiting.get().since().equals(claim.since())) {
            throw new ActionRefusedException(
                    Reason.LINK_USED,
                    "the build this link approves no longer waits (approved and deployed, or superseded by a newer"
                            + " build)");
        }
        if (waiting.get().approved()) {
            throw new ActionRefusedException(
                    Reason.LINK_USED,
                    "this build was approved already, by "
                            + waiting.get().approvedBy().orElseThrow() + " at "
                            + waiting.get().approvedAt().orElseThrow());
        }
        return claim;
    }

    /** Approves the build the link names; the caller queues the poll that deploys it. */
    public Approval approve(String token) throws ActionRefusedException {
        ApprovalLinks.Claim claim = preview(token);
        try {
            return actions.approve(claim.service(), Optional.of(claim.digest()), BY);
        } catch (ActionRefusedException e) {
            if (e.reason() == Reason.ALREADY_APPROVED) { // a second click racing the first
                throw new ActionRefusedException(Reason.LINK_USED, e.getMessage());
            }
            throw e;
        }
    }
}
