package io.redeploy.agent.swarm;

import io.redeploy.agent.docker.swarm.*;
import io.redeploy.agent.image.Digest;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How a Swarm rolling update ended, as {@link SwarmUpdateFollower} saw it.
 *
 * @param swarmState the last {@code UpdateStatus.State} ({@code none} when Swarm reported none)
 * @param message Swarm's own words: the UpdateStatus message (for a rollback, the failure that caused it first),
 *     or why the follower stopped
 * @param runningOnTarget tasks running the target digest (one per replica slot, or per node for a global service)
 * @param desired tasks the service wants: its replicas, or for a global service the nodes it runs on
 * @param taskError the latest error of a task on the target digest, if one failed
 */
public record SwarmUpdateOutcome(
        Result result,
        String service,
        Digest target,
        String swarmState,
        String message,
        int runningOnTarget,
        int desired,
        Duration elapsed,
        Optional<String> taskError) {

    public enum Result {
        /** Swarm completed the update and every desired task runs the target digest. */
        DEPLOYED,
        /** The update failed and Swarm rolled the service back to its previous spec. */
        ROLLED_BACK,
        /** Swarm paused the update (or its rollback); reported as is, never forced on. */
        PAUSED,
        /** The service vanished or another writer replaced its image. */
        FAILED,
        /** The deadline passed before Swarm reached an end state. */
        TIMED_OUT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
