package io.redeploy.survey.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing and mass sign-up. Failed sign-ins back off per account (keyed by the email as
 * typed, known or not, so a refusal tells nothing about which accounts exist) and per client address; sign-ups
 * are rate-limited per address. While blocked, a sign-in is refused before its password is checked.
 */
public final class SignInThrottle {
    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);
    static final int FREE_FAILURES_PER_ACCOUNT = 5;
    static final int FREE_FAILURES_PER_ADDRESS = 20;
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final FailureBackoff accounts;
    private final FailureBackoff addresses;
    private final RateLimiter signUps;

    public SignInThrottle(int signUpsPerHourPerAddress, Clock clock) {
        this.accounts = new FailureBackoff(FREE_FAILURES_PER_ACCOUNT, FIRST_DELAY, MAX_DELAY, FORGET_AFTER, clock);
        this.addresses = new FailureBackoff(FREE_FAILURES_PER_ADDRESS, FIRST_DELAY, MAX_DELAY, FORGET_AFTER, clock);
        this.signUps = new RateLimiter(signUpsPerHourPerAddress, Duration.ofHours(1), clock);
    }

    /** Throws when this account or this address must wait before the next password check. */
    void checkSignIn(String account, String client) {
        refuse(accounts.blockedFor(account), "account");
        refuse(addresses.blockedFor(client), "address");
    }

    void failed(String account, String client) {
        accounts.failed(account);
        addresses.failed(client);
    }

    /** A success clears the account's count, not the address's (an attacker's own account must not reset it). */
    void succeeded(String account) {
        accounts.succeeded(account);
    }

    void checkSignUp(String client) {
        signUps.tryAcquire(client).ifPresent(wait -> {
            log.info("event=signup.throttled retry_after_s={}", wait.toSeconds());
            throw new TooManyRequestsException("Too many sign-ups from your network.", wait);
        });
    }

    private static void refuse(Optional<Duration> wait, String scope) {
        if (wait.isPresent()) {
            log.info(
                    "event=signin.throttled scope={} retry_after_s={}",
                    scope,
                    wait.get().toSeconds());
            throw new TooManyRequestsException("Too many failed sign-ins.", wait.get());
        }
    }
}
