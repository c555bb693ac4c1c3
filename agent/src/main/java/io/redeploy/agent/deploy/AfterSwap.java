package io.redeploy.agent.deploy;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.reconcile.DeployResult;
import java.time.Duration;
import java.util.Optional;

/**
 * What both strategies do once the new container serves and the old one is gone: prune old images (when
 * configured), log {@code deploy.done}, run the post-update hook (its failure is reported, never rolled back).
 */
final class AfterSwap {
    private final DeployHooks hooks;
    private final ImagePruner pruner;
    private final AttemptLog attempts;

    AfterSwap(DeployHooks hooks, ImagePruner pruner, AttemptLog attempts) {
        this.hooks = hooks;
        this.pruner = pruner;
        this.attempts = attempts;
    }

    /**
     * @param strategy    the strategy's name for the log line and the reason (empty for stop-first)
     * @param cleanupNote what could not be cleaned up ({@code "; cleanup incomplete: ..."}), or empty
     * @param engineLost  the engine stopped answering during the cleanup: recovery finishes it once it is back
     */
    DeployResult finish(Swap swap, String newId, Optional<String> strategy, String cleanupNote, boolean engineLost) {
        Attempt attempt = swap.attempt();
        if (attempt.service().pruneOldImages()) {
            pruner.prune(attempt.service(), swap.old().map(ContainerInfo::imageId));
        }
        Duration duration = attempts.done(attempt, strategy);
        String afterwards = hooks.afterDeploy(attempt.service(), attempt.to(), newId)
                .map(problem -> "; " + problem)
                .orElse("");
        String reason = "deployed " + attempt.to().shortForm()
                + strategy.map(s -> " " + s).orElse("") + " (" + swap.gate().describe() + ")" + cleanupNote
                + afterwards;
        return new DeployResult(
                attempt.name(),
                attempt.from(),
                attempt.to(),
                DeployResult.Outcome.DEPLOYED,
                reason,
                duration,
                engineLost);
    }
}
