package io.redeploy.agent.registry;

import java.time.Duration;
import java.util.Optional;

/**
 * The registry answered 429 and the wait it asked for was longer than the client honours (or attempts ran out).
 * The poll loop can skip this image until {@link #retryAfter()} has passed.
 */
public class RateLimitedException extends RegistryException {
    private final Duration retryAfter;

    public RateLimitedException(String message, Optional<Duration> retryAfter) {
        super(message, true, null);
        this.retryAfter = retryAfter.orElse(null);
    }

    /** What the registry's Retry-After header asked for, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
