package io.redeploy.agent.policy;

import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Since when each service's tag has pointed at its current digest, for the {@code cooldown} rule: a build that
 * is replaced minutes later (a broken push, fixed) is never deployed. Kept in memory: after a restart the wait
 * starts again, which errs on the side of waiting.
 */
public final class DigestAges {
    private record Seen(Digest digest, Instant since) {}

    private final Map<String, Seen> current = new HashMap<>();

    /** Records what the registry said now; a different digest restarts the clock. */
    public synchronized void observe(String service, Digest digest, Instant now) {
        Seen seen = current.get(service);
        if (seen == null || !seen.digest().equals(digest)) {
            current.put(service, new Seen(digest, now));
        }
    }

    /** How much longer {@code digest} must stay the tag's digest before it may be deployed; empty when ripe. */
    public synchronized Optional<Duration> remaining(String service, Digest digest, Duration cooldown, Instant now) {
        if (cooldown.isZero()) {
            return Optional.empty();
        }
        Seen seen = current.get(service);
        Instant since = seen != null && seen.digest().equals(digest) ? seen.since() : now;
        Duration left = cooldown.minus(Duration.between(since, now));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }
}
