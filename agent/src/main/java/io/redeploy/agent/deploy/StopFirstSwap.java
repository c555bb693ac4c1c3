package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthCheckFailedException;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.state.StateException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default swap ({@code strategy: stop-first}): rename the old container to {@code <name>.redeploy-old}, create
 * the new one under the name, stop the old one (its stop timeout), start the new one, wait for its health gate,
 * remove the old one. Any failure on the way puts the old container back under its name and starts it again
 * ({@code rolled_back}). The outage is the old container's stop plus the new one's start and gate.
 */
final class StopFirstSwap implements SwapStrategy {
    private static final Logger log = LoggerFactory.getLogger(StopFirstSwap.class);

    private final DockerGateway docker;
    private final Rollback rollback;
    private final AfterSwap after;
    private final AttemptLog attempts;
    private final DeployJournal journal;

    StopFirstSwap(
            DockerGateway docker, Rollback rollback, AfterSwap after, AttemptLog attempts, DeployJournal journal) {
        this.docker = docker;
        this.rollback = rollback;
        this.after = after;
        this.attempts = attempts;
        this.journal = journal;
    }

    @Override
    public DeployResult swap(Swap swap) {
        Steps steps = new Steps(swap);
        try {
            steps.setOldAside(swap.attempt().service());
            // Created before the old one stops: creating takes a few hundred ms that need not be downtime, and a
            // created container binds no port yet.
            steps.next("create", JournalEntry.Step.CREATE);
            steps.newId =
                    Optional.of(swap.container().create(docker, swap.attempt().containerName(), true));
            steps.entry = journal.record(steps.entry.created(steps.newId.get()));
            steps.stopOld(swap.attempt().service());
            steps.next("start", JournalEntry.Step.START_NEW);
            docker.start(steps.newId.get());
            steps.next("health (" + swap.gate().describe() + ")", JournalEntry.Step.GATE);
            swap.gate().await(steps.newId.get());
            steps.entry = journal.record(steps.entry.at(JournalEntry.Step.RETIRE_OLD));
        } catch (DockerGatewayException e) {
            return rolledBack(swap, steps, e.getMessage(), e instanceof DockerUnreachableException);
        } catch (HealthCheckFailedException e) {
            return rolledBack(swap, steps, e.getMessage(), false);
        } catch (StateException e) {
            if (!steps.oldIsAside && steps.newId.isEmpty()) {
                swap.tag().restore(docker);
                return attempts.failed(swap.attempt(), DeployResult.JOURNAL_STEP, e.getMessage(), false);
            }
            // The next step could not be recorded, so it does not run: undo what ran, while the agent still knows it.
            return rolledBack(swap, steps, "the deploy journal could not be written: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            // A bug must not leave the old container aside either.
            Event.error(log, "deploy.unexpected")
                    .with("service", swap.attempt().name())
                    .reason(e.toString())
                    .cause(e)
                    .log();
            return rolledBack(swap, steps, "unexpected " + e, false);
        } catch (InterruptedException e) {
            DeployResult result = rolledBack(swap, steps, "interrupted (agent stopping)", false);
            Thread.currentThread().interrupt();
            return result;
        }
        attempts.healthy(swap.attempt(), swap.gate(), Optional.empty());
        // A failed removal leaves the old container aside; with the engine gone, recovery removes it once it is back.
        boolean engineLost = swap.old().map(o -> removeOld(swap.attempt(), o)).orElse(false);
        if (!engineLost) {
            journal.close(swap.attempt().name());
        }
        return after.finish(swap, steps.newId.get(), Optional.empty(), "", engineLost);
    }

    /**
     * The state of one recreation, so that a rollback knows exactly what to undo, and its journal entry, written before
     * each step so that recovery knows it after a crash.
     */
    private final class Steps {
        final Optional<ContainerInfo> old;
        final boolean oldWasRunning;
        boolean oldIsAside;
        Optional<String> newId = Optional.empty();
        String step = "rename old container";
        JournalEntry entry;

        Steps(Swap swap) {
            this.old = swap.old();
            this.oldWasRunning =
                    old.map(c -> c.running() || "restarting".equals(c.status())).orElse(false);
            Attempt attempt = swap.attempt();
            this.entry = JournalEntry.begin(
                            attempt.name(),
                            JournalEntry.Strategy.STOP_FIRST,
                            old,
                            attempt.from().map(Digest::value),
                            attempt.to().value(),
                            attempt.started(),
                            Optional.of(swap.tag()))
                    .at(JournalEntry.Step.SET_ASIDE);
        }

        void next(String description, JournalEntry.Step next) {
            step = description;
            entry = journal.record(entry.at(next));
        }

        void setOldAside(ServiceConfig service) {
            entry = journal.record(entry);
            if (old.isEmpty()) {
                return;
            }
            // Renamed before it is stopped: an agent killed during the stop then leaves <name>.redeploy-old, which
            // recovery puts back and starts, rather than a stopped container under the name that nothing restarts.
            docker.rename(old.get().id(), ContainerNames.aside(service.containerName()));
            oldIsAside = true;
        }

        void stopOld(ServiceConfig service) {
            if (old.isEmpty()) {
                return;
            }
            next("stop old container", JournalEntry.Step.STOP_OLD);
            docker.stop(old.get().id(), service.stopTimeout());
        }
    }

    /** Best effort: when even the journal cannot be written, the rollback still runs and recovery judges by names. */
    private void recordRollBack(Steps steps) {
        try {
            steps.entry = journal.record(steps.entry.at(JournalEntry.Step.ROLL_BACK));
        } catch (StateException e) {
            Event.warn(log, "journal.write_failed")
                    .with("service", steps.entry.service())
                    .reason(e.getMessage())
                    .log();
        }
    }

    /** Returns true when the engine did not answer (the engine is lost): the old container may still be there. */
    private boolean removeOld(Attempt attempt, ContainerInfo old) {
        try {
            docker.remove(old.id());
            return false;
        } catch (DockerGatewayException e) {
            // The new container is healthy and serving; the leftover is cleaned up by recovery or the next deploy.
            Event.warn(log, "deploy.cleanup_failed")
                    .with("service", attempt.name())
                    .with("container", ContainerNames.aside(attempt.containerName()))
                    .reason(e.getMessage())
                    .log();
            return e instanceof DockerUnreachableException;
        }
    }

    private DeployResult rolledBack(Swap swap, Steps steps, String cause, boolean engineLost) {
        if (!engineLost) {
            // With the engine gone the journal keeps the step it vanished at: recovery judges the build once it is
            // back.
            recordRollBack(steps);
        }
        Rollback.Restored restored = rollback.restore(
                swap.attempt().service(), steps.newId, steps.old, steps.oldIsAside, steps.oldWasRunning);
        if (restored.complete()) {
            journal.close(swap.attempt().name());
        }
        String reason = AttemptLog.reason(steps.step, cause, restored, "rollback incomplete")
                + swap.tag().restore(docker).map(problem -> "; " + problem).orElse("");
        return attempts.rolledBack(
                swap.attempt(),
                reason,
                engineLost || restored.engineLost(),
                steps.old.isPresent() && restored.complete());
    }
}
