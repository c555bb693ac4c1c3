package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import java.util.Optional;

/** What a poll tells the outside world (notifications) besides logs, state and metrics. Must never block or throw. */
public interface PollEvents {

    PollEvents NONE = new PollEvents() {};

    /** The tag points at a digest the container does not run (reported every poll until it does). */
    default void newDigest(ServiceConfig service, Digest digest, boolean willDeploy) {}

    /** A deploy ended (any outcome but a skip). */
    default void deployFinished(ServiceConfig service, DeployResult result) {}

    /** Docker could not be reached: nothing can be checked or deployed. */
    default void degraded(String reason) {}

    /** A poll reached Docker. */
    default void healthy() {}

    /** The service's container stopped running (or is missing): nothing serves it. */
    default void serviceDown(ServiceConfig service, String why) {}

    /** The service runs again after it was down. */
    default void serviceUp(ServiceConfig service) {}

    /**
     * An operator's action on a service ({@code service.held}, {@code service.released}) or its end
     * ({@code rollback.done}, {@code rollback.failed}), with the digests it moved between when it moved any.
     */
    default void operatorAction(
            ServiceConfig service, String event, Optional<String> from, Optional<String> to, String message) {}
}
