package io.redeploy.agent.reconcile;

import java.util.Optional;

/**
 * What healing one service after an interrupted deploy did (the agent killed mid-deploy, or the Docker engine gone
 * in the middle of one), as the deploy target decided it.
 *
 * @param action one line for the operator; empty when there was nothing to heal
 * @param digest for {@link Kind#FINISHED}, the digest the kept new container was created from (its agent label)
 */
public record Recovery(String service, Kind kind, String action, Optional<String> digest) {

    public enum Kind {
        /** The service was whole: nothing was touched. */
        NOTHING_TO_HEAL,
        /** The interrupted deploy's new container was healthy and now serves under the name. */
        FINISHED,
        /** The previous container serves again (or the unfinished new one was removed). */
        ROLLED_BACK,
        /** Containers the agent did not create are in the way: reported for a human, nothing touched. */
        LEFT_AS_IS,
        /** An engine call failed on the way: the service still has to be healed. */
        INCOMPLETE
    }

    public static Recovery of(String service, Kind kind, String action) {
        return new Recovery(service, kind, action, Optional.empty());
    }

    /** The interrupted deploy's new container, created from {@code digest} (when known), now serves. */
    public static Recovery finished(String service, String action, Optional<String> digest) {
        return new Recovery(service, Kind.FINISHED, action, digest);
    }

    public static Recovery nothingToHeal(String service) {
        return of(service, Kind.NOTHING_TO_HEAL, "");
    }
}
