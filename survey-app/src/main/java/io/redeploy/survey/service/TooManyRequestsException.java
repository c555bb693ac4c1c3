package io.redeploy.survey.service;

import java.time.Duration;

/** A request refused by a rate limit, a back-off or a full hashing pool: answered 429 with Retry-After. */
public final class TooManyRequestsException extends RuntimeException {
    private final Duration retryAfter;

    /** {@code reason} is a sentence without the wait; " Try again in ..." is appended. */
    public TooManyRequestsException(String reason, Duration retryAfter) {
        // No stack trace: an expected answer, and cheap to make during the floods it answers.
        super(reason + " Try again in " + describe(retryAfter) + ".", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** Whole seconds, rounded up and at least one: the value of the Retry-After header. */
    public long retryAfterSeconds() {
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static String describe(Duration wait) {
        long seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
        if (seconds < 120) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        return ((seconds + 59) / 60) + " minutes";
    }
}
