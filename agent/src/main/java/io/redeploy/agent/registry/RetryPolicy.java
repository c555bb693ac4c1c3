package io.redeploy.agent.registry;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a transient failure again: exponential backoff with "equal jitter" (half fixed, half random, so
 * several agents hit by one outage do not retry in lockstep, yet never retry at once), bounded attempts, and a
 * server's Retry-After honoured up to a limit. Pure: the caller sleeps.
 */
final class RetryPolicy {
    private final int maxAttempts;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final DoubleSupplier jitter;

    /** @param jitter values in [0, 1) */
    RetryPolicy(RegistryClientSettings settings, DoubleSupplier jitter) {
        this.maxAttempts = settings.maxAttempts();
        this.baseBackoff = settings.baseBackoff();
        this.maxBackoff = settings.maxBackoff();
        this.maxRetryAfter = settings.maxRetryAfter();
        this.jitter = jitter;
    }

    /**
     * @param failedAttempt the attempt that just failed, counted from 1
     * @param retryAfter    what the server asked for, if anything
     * @return how long to wait before the next attempt, or empty to give up now
     */
    Optional<Duration> waitBeforeRetry(int failedAttempt, Optional<Duration> retryAfter) {
        if (failedAttempt >= maxAttempts) return Optional.empty();
        if (retryAfter.isPresent()) {
            // Waiting longer would hold a poll worker hostage; the caller reports RateLimited and tries next poll.
            return retryAfter.get().compareTo(maxRetryAfter) > 0 ? Optional.empty() : retryAfter;
        }
        return Optional.of(backoff(failedAttempt));
    }

    private Duration backoff(int failedAttempt) {
        long capMillis = maxBackoff.toMillis();
        long exponential = baseBackoff.toMillis() << Math.min(failedAttempt - 1, 30);
        long ceiling = exponential <= 0 ? capMillis : Math.min(exponential, capMillis);
        long half = ceiling / 2;
        return Duration.ofMillis(half + (long) (jitter.getAsDouble() * (ceiling - half)));
    }
}
