package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import java.util.List;

/**
 * A place services run, as the core sees it: today containers on this engine (stop-first or start-first, with or
 * without a traffic switch in front), next a Swarm service. The core observes through it and asks it to deploy; how
 * a deploy swaps, gates, rolls back and heals after a crash is the target's business.
 *
 * <p>Implementations never throw for expected failures of a deploy: the {@link DeployResult} says what happened.
 */
public interface DeployTarget {

    /** Throws when the target cannot be reached (the Docker engine does not answer): a poll then changes nothing. */
    void ping();

    /**
     * The service with the image it follows read from what runs ({@link ServiceConfig#withImage}): a service given by a
     * running container or a Swarm service has no image in the config. A service the agent creates is returned as it
     * is. Throws {@link UnresolvedServiceException} with one clear line when it cannot be resolved (nothing is touched).
     */
    default ServiceConfig resolve(ServiceConfig service) {
        return service;
    }

    /** What runs now for the service. Throws when it cannot be asked. */
    Workload observe(ServiceConfig service);

    /** Deploys {@code target}, with {@code registry}'s credentials for the pull. */
    DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry);

    /**
     * Starts the service's stopped container again ({@code revive_stopped}) and waits for its health gate; false,
     * after logging why, when it could not.
     */
    default boolean revive(ServiceConfig service) {
        return false;
    }

    /** Restarts the service after a dependency it follows was recreated; false, after logging why, when it could not. */
    boolean restart(ServiceConfig service);

    /**
     * Records, durably, that the service is due for a {@link #restart} (its dependency was just recreated), before any
     * restart of this poll begins: a kill before its turn comes leaves the restart to recovery instead of skipping it.
     */
    default void restartDue(ServiceConfig service) {}

    /**
     * At start-up, before the first poll: finishes or undoes deploys a killed agent left half done. One recovery per
     * service that had to be healed; empty when every service was whole.
     */
    List<Recovery> recover(List<ServiceConfig> services);

    /**
     * Heals the services whose last deploy the engine cut short ({@link DeployResult#engineLost()}) once it answers
     * again; empty when there is none, or while it still does not answer.
     */
    List<Recovery> recoverInterrupted();

    /** True while a deploy the engine cut short has not been healed yet (the agent then polls again within seconds). */
    boolean awaitingRecovery();
}
