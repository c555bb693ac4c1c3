package io.redeploy.agent.reconcile;

import io.redeploy.agent.log.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry that rejects the agent's credentials is not asked again at every poll: asking cannot succeed until an
 * operator fixes the credentials, and a token endpoint hammered every few seconds may lock the account. The wait
 * doubles from {@link #FIRST_WAIT} to {@link #LONGEST_WAIT}; {@code POST /v1/update} or a restart (a config change)
 * tries again at once. One WARN when it starts, one INFO when the registry accepts the credentials again.
 */
final class RegistryBackoff {
    private static final Logger log = LoggerFactory.getLogger(RegistryBackoff.class);
    static final Duration FIRST_WAIT = Duration.ofSeconds(30);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);

    private record Rejection(String reason, Instant since, Duration delay, Instant nextTry) {}

    private final Clock clock;
    private final Map<String, Rejection> rejected = new ConcurrentHashMap<>();

    RegistryBackoff(Clock clock) {
        this.clock = clock;
    }

    /** Why {@code registry} is not asked now; empty when it may be. */
    Optional<String> holdsBack(String registry) {
        Rejection r = rejected.get(registry);
        if (r == null || !clock.instant().isBefore(r.nextTry())) {
            return Optional.empty();
        }
        return Optional.of("registry " + registry + " rejected the credentials (" + r.reason() + "); next try at "
                + r.nextTry() + ", or now with POST /v1/update");
    }

    void rejected(String registry, String reason) {
        Instant now = clock.instant();
        Rejection before = rejected.get(registry);
        Duration wait = before == null ? FIRST_WAIT : min(before.delay().multipliedBy(2), LONGEST_WAIT);
        rejected.put(registry, new Rejection(reason, before == null ? now : before.since(), wait, now.plus(wait)));
        if (before == null) {
            Event.warn(log, "registry.credentials_rejected")
                    .with("registry", registry)
                    .reason(reason)
                    .with("next_try_s", wait.toSeconds())
                    .log();
        }
    }

    void accepted(String registry) {
        Rejection before = rejected.remove(registry);
        if (before != null) {
            Event.info(log, "registry.credentials_accepted")
                    .with("registry", registry)
                    .duration(Duration.between(before.since(), clock.instant()))
                    .log();
        }
    }

    /** Everything is tried again at the next poll (an operator asked for it). */
    void forget() {
        rejected.replaceAll((registry, r) -> new Rejection(r.reason(), r.since(), r.delay(), clock.instant()));
    }

    List<String> problems() {
        return rejected.entrySet().stream()
                .map(e -> "registry " + e.getKey() + " rejects the credentials since "
                        + e.getValue().since() + " (" + e.getValue().reason() + ")")
                .sorted()
                .toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
