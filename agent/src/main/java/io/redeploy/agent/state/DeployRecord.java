package io.redeploy.agent.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One deploy attempt of a service: from which digest to which, when it started, how long it took and how it
 * ended. {@code from} is empty when no container was running before; {@code reason} is empty on success.
 */
public record DeployRecord(String from, String to, Instant at, Duration duration, String outcome, String reason) {
    public static final String DEPLOYED = "deployed";
    public static final String ROLLED_BACK = "rolled_back";
    public static final String FAILED = "failed";

    public DeployRecord {
        from = from == null ? "" : from;
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
        reason = reason == null ? "" : reason;
    }

    public boolean succeeded() {
        return DEPLOYED.equals(outcome);
    }
}
