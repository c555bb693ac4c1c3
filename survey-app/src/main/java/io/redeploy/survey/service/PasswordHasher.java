package io.redeploy.survey.service;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * bcrypt hashing. bcrypt reads at most 72 bytes, so longer passwords are refused rather than truncated.
 *
 * <p>At most {@code slots} hashes run at once; a request that finds them all taken is refused at once with
 * {@link TooManyRequestsException} instead of queueing, so a burst of sign-ins cannot take every core and leave
 * the health gate and the other pages waiting.
 */
public final class PasswordHasher {
    public static final int MAX_BYTES = 72;
    private static final Duration RETRY_WHEN_BUSY = Duration.ofSeconds(1);

    private final int cost;
    private final Semaphore slots;
    private final String dummyHash;

    public PasswordHasher(int cost, int slots) {
        this.cost = cost;
        this.slots = new Semaphore(slots);
        // Verified against when the email is unknown, so a sign-in takes as long either way.
        this.dummyHash = BCrypt.withDefaults().hashToString(cost, "not-a-real-password".toCharArray());
    }

    public String hash(String password) {
        return inSlot(() -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()));
    }

    public boolean verify(String password, String hash) {
        if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        return inSlot(() -> BCrypt.verifyer().verify(password.toCharArray(), hash).verified);
    }

    /** Spends the time of one verification, for unknown accounts. */
    public void burnOneVerification(String password) {
        verify(password == null ? "" : password, dummyHash);
    }

    /**
     * Refuses at once, before any other work (such as a database lookup), when every slot is taken. A cheap early
     * answer for floods; the slot is still only taken by {@link #hash} or {@link #verify}.
     */
    public void refuseIfBusy() {
        if (slots.availablePermits() == 0) {
            throw busy();
        }
    }

    public static boolean fits(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    private static TooManyRequestsException busy() {
        return new TooManyRequestsException("The server is busy checking other passwords.", RETRY_WHEN_BUSY);
    }

    private <T> T inSlot(Supplier<T> work) {
        if (!slots.tryAcquire()) {
            throw busy();
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }
}
