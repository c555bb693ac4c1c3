package io.redeploy.agent.reconcile;

import java.util.Optional;

/**
 * What healing one service after an interrupted deploy did (the agent killed mid-deploy, or the Docker engine gone
 * in the middle of one), as the deploy target decided it.
 *
 * @param action one line for the operator; empty when there was nothing to heal
 * @param from   the digest that ran before the interrupted deploy, when known (from the journal)
 * @param digest the digest the interrupted deploy brought: kept for {@link Kind#FINISHED}, judged and undone for
 *               {@link Kind#ROLLED_BACK}, not judged for {@link Kind#UNDONE}
 */
public record Recovery(String service, Kind kind, String action, Optional<String> from, Optional<String> digest) {

    public enum Kind {
        /** The service was whole: nothing was touched. */
        NOTHING_TO_HEAL,
        /** The interrupted deploy's new container was healthy and now serves under the name. */
        FINISHED,
        /** The new build was found unhealthy (or dead) and removed: the previous container serves again. */
        ROLLED_BACK,
        /** The deploy was undone before its build could be judged (nothing new had started): try it again. */
        UNDONE,
        /** Containers the agent did not create are in the way: reported for a human, nothing touched. */
        LEFT_AS_IS,
        /** An engine call failed on the way: the service still has to be healed. */
        INCOMPLETE
    }

    public Recovery(String service, Kind kind, String action, Optional<String> digest) {
        this(service, kind, action, Optional.empty(), digest);
    }

    public static Recovery of(String service, Kind kind, String action) {
        return new Recovery(service, kind, action, Optional.empty(), Optional.empty());
    }

    /** The interrupted deploy's new container, created from {@code digest} (when known), now serves. */
    public static Recovery finished(String service, String action, Optional<String> digest) {
        return new Recovery(service, Kind.FINISHED, action, Optional.empty(), digest);
    }

    public static Recovery nothingToHeal(String service) {
        return of(service, Kind.NOTHING_TO_HEAL, "");
    }

    /** The same outcome with the digests of the deploy it healed. */
    public Recovery of(Optional<String> fromDigest, String toDigest) {
        return new Recovery(service, kind, action, fromDigest, Optional.of(toDigest));
    }
}
