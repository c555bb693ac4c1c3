package io.redeploy.agent.state;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's hold on a service: no automatic deploy until it is released. Kept in {@code state.json}, so it
 * survives a restart.
 *
 * @param by     who placed it: {@code token} (the trigger token alone), or the user name the CLI passed
 * @param since  when it was placed
 * @param reason why, as the operator wrote it; may be empty
 */
public record Hold(String by, Instant since, String reason) {
    public Hold {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(since, "since");
        reason = reason == null ? "" : reason;
    }

    /** {@code held by alice since 2026-12-02T10:00:00Z: build 2 breaks the login}, the deferral's reason. */
    public String describe() {
        return "held by " + by + " since " + since + (reason.isEmpty() ? "" : ": " + reason);
    }
}
