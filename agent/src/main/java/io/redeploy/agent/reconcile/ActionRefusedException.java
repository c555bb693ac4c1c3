package io.redeploy.agent.reconcile;

/** An operator action that was refused before anything was touched, with the reason as one sentence. */
public final class ActionRefusedException extends Exception {
    public enum Reason {
        /** No configured service has that name. */
        UNKNOWN_SERVICE,
        /** The digest to roll back to is not in the service's deploy history, or there is no earlier one. */
        UNKNOWN_DIGEST,
        /** A deploy of the service runs or is queued. */
        BUSY,
        /** The service is held already. */
        HELD,
        /** The service is not held. */
        NOT_HELD,
        /** The service already runs the digest asked for. */
        ALREADY_RUNNING,
        /** No digest of the service waits for approval. */
        NO_PENDING,
        /** The digest named is not the one waiting for approval (a newer build superseded it, or a typo). */
        NOT_PENDING,
        /** The pending digest is approved already; its deploy is queued or held. */
        ALREADY_APPROVED,
        /** An approve link whose signature does not match (altered, cut short, another key). */
        INVALID_LINK,
        /** An approve link past its expiry. */
        LINK_EXPIRED,
        /** An approve link whose build no longer waits: approved already (the link was used), superseded or deployed. */
        LINK_USED
    }

    private final Reason reason;

    public ActionRefusedException(Reason reason, String detail) {
        super(detail, null, false, false); // an expected answer to bad input: no stack trace
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
