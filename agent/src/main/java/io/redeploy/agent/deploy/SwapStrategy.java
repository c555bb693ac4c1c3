package io.redeploy.agent.deploy;

import io.redeploy.agent.reconcile.DeployResult;

/**
 * How a new container replaces the old one once everything is ready: {@link StopFirstSwap} (set the old one aside,
 * start the new one, roll back on failure) or {@link StartFirstSwap} (start the new one next to the old one, switch
 * traffic once it is healthy). Never throws for expected failures; the result says what happened.
 */
interface SwapStrategy {
    DeployResult swap(Swap swap);
}
