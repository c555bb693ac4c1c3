package io.redeploy.survey.service;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many answers the app takes per client address and per survey. Every attempt counts, valid or not, so a
 * script cannot probe cheaply either.
 */
public final class SubmissionLimits {
    private static final Logger log = LoggerFactory.getLogger(SubmissionLimits.class);

    private final RateLimiter perAddress;
    private final RateLimiter perSurvey;

    public SubmissionLimits(int perAddressPerHour, int perSurveyPerMinute, Clock clock) {
        this.perAddress = new RateLimiter(perAddressPerHour, Duration.ofHours(1), clock);
        this.perSurvey = new RateLimiter(perSurveyPerMinute, Duration.ofMinutes(1), clock);
    }

    /** Throws {@link TooManyRequestsException} when {@code client} or survey {@code slug} is over its limit. */
    void check(String slug, String client) {
        perAddress.tryAcquire(client).ifPresent(wait -> {
            log.info("event=response.throttled scope=address retry_after_s={}", wait.toSeconds());
            throw new TooManyRequestsException("Too many answers from your network.", wait);
        });
        perSurvey.tryAcquire(slug).ifPresent(wait -> {
            log.info("event=response.throttled scope=survey retry_after_s={}", wait.toSeconds());
            throw new TooManyRequestsException("Too many answers to this survey right now.", wait);
        });
    }
}
