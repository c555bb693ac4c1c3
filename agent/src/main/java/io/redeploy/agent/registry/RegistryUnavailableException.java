package io.redeploy.agent.registry;

import java.time.Duration;
import java.util.Optional;

/** A 5xx answer or an I/O failure (refused, reset, timeout); thrown once the retries are used up. */
public class RegistryUnavailableException extends RegistryException {
    /** Marks an I/O failure, where no HTTP status was received. */
    public static final int NO_STATUS = -1;

    private final int status;
    private final Duration retryAfter;

    public RegistryUnavailableException(String message, int status, Optional<Duration> retryAfter, Throwable cause) {
        super(message, true, cause);
        this.status = status;
        this.retryAfter = retryAfter.orElse(null);
    }

    /** The HTTP status, or {@link #NO_STATUS} for an I/O failure. */
    public int status() {
        return status;
    }

    /** A Retry-After some registries send with 503. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
