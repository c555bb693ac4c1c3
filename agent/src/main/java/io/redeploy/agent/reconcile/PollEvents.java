package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;

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
}
