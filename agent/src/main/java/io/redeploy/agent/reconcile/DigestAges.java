package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Since when each service's tag has pointed at its current digest: the clock of the {@code cooldown} rule (a build
 * replaced minutes later, a broken push fixed, is never deployed). In memory: after a restart the wait starts
 * again, which errs on the side of waiting.
 */
final class DigestAges {
    private record Seen(Digest digest, Instant since) {}

    private final Map<String, Seen> current = new HashMap<>();

    /** Records what the registry said now; a different digest restarts the clock. */
    synchronized void observe(String service, Digest digest, Instant now) {
        Seen seen = current.get(service);
        if (seen == null || !seen.digest().equals(digest)) {
            current.put(service, new Seen(digest, now));
        }
    }

    /** Since when {@code digest} has been the tag's digest; empty when it is not (any more). */
    synchronized Optional<Instant> since(String service, Digest digest) {
        Seen seen = current.get(service);
        return seen != null && seen.digest().equals(digest) ? Optional.of(seen.since()) : Optional.empty();
    }
}
