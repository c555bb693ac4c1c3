package io.redeploy.agent.docker.swarm;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A service's {@code UpdateStatus}: Swarm's own account of its latest rolling update or rollback. The engine resets
 * it to absent when a new spec is accepted and sets it once its updater starts; an update that changes no task (same
 * image) never gets one.
 */
public record SwarmUpdateStatus(
        State state, String rawState, String message, Optional<Instant> startedAt, Optional<Instant> completedAt) {

    /** The states Swarm reports (lower-case, with underscores, in the API). */
    public enum State {
        UPDATING,
        PAUSED,
        COMPLETED,
        ROLLBACK_STARTED,
        ROLLBACK_PAUSED,
        ROLLBACK_COMPLETED,
        /** A state this agent does not know (a newer engine); {@link #rawState()} has it. */
        UNKNOWN;

        static State of(String raw) {
            if (raw == null) {
                return UNKNOWN;
            }
            try {
                return valueOf(raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }

        /** The name as the API spells it, e.g. {@code rollback_completed}. */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static SwarmUpdateStatus of(
            String rawState, String message, Optional<Instant> startedAt, Optional<Instant> completedAt) {
        return new SwarmUpdateStatus(
                State.of(rawState),
                rawState == null ? "" : rawState,
                message == null ? "" : message,
                startedAt,
                completedAt);
    }
}
