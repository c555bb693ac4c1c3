package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import java.util.Optional;

/**
 * Heals an interrupted stop-first deploy or dependent restart from its journal entry: the containers are known by id,
 * so an adopted old container (no agent labels) is put back or retired like any other, and the new build is judged
 * by its own health gate instead of being rolled back for having been interrupted.
 * <ul>
 *   <li>no new container yet: the old one is put back under its name and started again if it ran ({@code undone}: the
 *       build was never judged, the next poll deploys it);
 *   <li>the new container was created, started or was being judged: the old one is stopped (they may share ports),
 *       the new one started if needed and judged; healthy: the deploy is finished, else rolled back;
 *   <li>the new container ran and died, or a rollback was under way: the rollback is finished;
 *   <li>the new container had passed its gate: the deploy is finished.
 * </ul>
 */
final class JournalRecovery {
    private final DockerGateway docker;
    private final RecoveryGate gate;
    private final Rollback rollback;

    JournalRecovery(DockerGateway docker, RecoveryGate gate, Rollback rollback) {
        this.docker = docker;
        this.gate = gate;
        this.rollback = rollback;
    }

    Recovery heal(ServiceConfig service, JournalEntry entry) throws InterruptedException {
        Optional<ContainerInfo> old = entry.oldId().flatMap(docker::inspectContainer);
        if (entry.strategy() == JournalEntry.Strategy.RESTART) {
            return entry.step() == JournalEntry.Step.RESTART_DUE ? dueRestart(service, old) : restart(service, old);
        }
        Optional<ContainerInfo> fresh =
                entry.newId().flatMap(docker::inspectContainer).or(() -> unrecorded(service, entry));
        Recovery recovery;
        if (fresh.isEmpty() && entry.step() == JournalEntry.Step.ROLL_BACK) {
            // The rollback had removed the failed container already: the build was judged, it must not come again.
            recovery = putBack(
                    service,
                    entry,
                    old,
                    Kind.ROLLED_BACK,
                    "finished the interrupted rollback of a build found unhealthy");
        } else if (fresh.isEmpty()) {
            recovery =
                    putBack(service, entry, old, Kind.UNDONE, "the interrupted deploy had not created its container");
        } else if (entry.step() == JournalEntry.Step.RETIRE_OLD) {
            recovery = finish(service, old, fresh.get(), "it had passed its health gate");
        } else if (entry.step() == JournalEntry.Step.ROLL_BACK || fresh.get().exitedOrRestarting()) {
            recovery = rollBack(
                    service,
                    entry,
                    old,
                    fresh.get(),
                    "the new container " + fresh.get().status());
        } else {
            recovery = judge(service, entry, old, fresh.get());
        }
        return recovery.of(entry.from(), entry.to());
    }

    /** A create whose id the crash kept from the journal: the agent's container for this service and digest. */
    private Optional<ContainerInfo> unrecorded(ServiceConfig service, JournalEntry entry) {
        return docker.inspectContainer(service.containerName())
                .filter(c -> !entry.oldId().equals(Optional.of(c.id())))
                .filter(c -> Ownership.isOurs(c, service)
                        && entry.to().equals(c.labels().get(AgentLabels.DIGEST)));
    }

    private Recovery judge(ServiceConfig service, JournalEntry entry, Optional<ContainerInfo> old, ContainerInfo fresh)
            throws InterruptedException {
        if (old.filter(ContainerInfo::running).isPresent()) {
            docker.stop(old.get().id(), service.stopTimeout());
        }
        if (!fresh.running()) {
            docker.start(fresh.id());
        }
        Optional<String> problem = gate.problem(service, fresh);
        return problem.isEmpty()
                ? finish(service, old, fresh, "it passed its health gate after the restart")
                : rollBack(service, entry, old, fresh, "it is not healthy: " + problem.get());
    }

    private Recovery finish(ServiceConfig service, Optional<ContainerInfo> old, ContainerInfo fresh, String why) {
        if (!fresh.running()) {
            docker.start(fresh.id());
        }
        old.ifPresent(o -> docker.remove(o.id()));
        return Recovery.finished(
                service.name(),
                "finished the interrupted deploy: " + why + (old.isPresent() ? "; removed the old container" : ""),
                Optional.empty());
    }

    private Recovery rollBack(
            ServiceConfig service, JournalEntry entry, Optional<ContainerInfo> old, ContainerInfo fresh, String why) {
        entry.localTag().ifPresent(tag -> tag.restore(docker));
        Rollback.Restored restored =
                rollback.restore(service, Optional.of(fresh.id()), old, isAside(old, service), entry.oldWasRunning());
        String action =
                "rolled back the interrupted deploy (" + why + ")" + (old.isPresent() ? "" : "; nothing to put back");
        return restored.complete()
                ? Recovery.of(service.name(), Kind.ROLLED_BACK, action)
                : Recovery.of(
                        service.name(),
                        Kind.INCOMPLETE,
                        action + "; rollback incomplete: " + String.join("; ", restored.problems()));
    }

    private Recovery putBack(
            ServiceConfig service, JournalEntry entry, Optional<ContainerInfo> old, Kind kind, String why)
            throws InterruptedException {
        entry.localTag().ifPresent(tag -> tag.restore(docker));
        if (old.isEmpty()) {
            return Recovery.of(service.name(), kind, why + "; no old container to put back");
        }
        if (untouched(service, entry, old.get())) {
            if (kind == Kind.ROLLED_BACK) {
                // The rollback had put the old container back and was waiting for its gate: judged, and it must
                // answer again before the service counts as whole.
                Optional<String> problem = gate.problem(service, old.get());
                return problem.isEmpty()
                        ? Recovery.of(
                                service.name(), kind, why + "; " + old.get().name() + " serves again")
                        : Recovery.of(
                                service.name(),
                                Kind.INCOMPLETE,
                                why + "; the old build did not pass its health gate: " + problem.get());
            }
            // Killed after the journal entry, before the first engine call: the service is as it was.
            return Recovery.nothingToHeal(service.name());
        }
        Rollback.Restored restored = rollback.restore(
                service,
                Optional.empty(),
                old,
                isAside(old, service),
                entry.oldWasRunning() && !old.get().running());
        String action = why + "; put " + old.get().name() + " back";
        return restored.complete()
                ? Recovery.of(service.name(), kind, action)
                : Recovery.of(
                        service.name(),
                        Kind.INCOMPLETE,
                        action + "; incomplete: " + String.join("; ", restored.problems()));
    }

    /**
     * A dependent restart is one engine call and a gate: whatever the crash left, the container must run and answer.
     * One found running may still be starting (killed during its gate): it is judged too, as the restart would have.
     */
    private Recovery restart(ServiceConfig service, Optional<ContainerInfo> container) throws InterruptedException {
        if (container.isEmpty()) {
            return Recovery.nothingToHeal(service.name());
        }
        ContainerInfo c = container.get();
        String action;
        Kind kind;
        if (c.running()) {
            action = "judged " + c.name() + " after an interrupted restart";
            kind = Kind.FINISHED;
        } else {
            docker.start(c.id());
            action = "started " + c.name() + ", left " + c.status() + " by an interrupted restart";
            kind = Kind.UNDONE;
        }
        Optional<String> problem = gate.problem(service, c);
        return problem.isEmpty()
                ? Recovery.of(service.name(), kind, action)
                : Recovery.of(service.name(), Kind.INCOMPLETE, action + "; it is not healthy: " + problem.get());
    }

    /** The dependency was recreated and the agent killed before this dependent's restart began: it is done now. */
    private Recovery dueRestart(ServiceConfig service, Optional<ContainerInfo> container) throws InterruptedException {
        if (container.isEmpty()) {
            return Recovery.nothingToHeal(service.name());
        }
        ContainerInfo c = container.get();
        docker.restart(c.id(), service.stopTimeout());
        String action = "restarted " + c.name() + ", due after its dependency was recreated";
        Optional<String> problem = gate.problem(service, c);
        return problem.isEmpty()
                ? Recovery.of(service.name(), Kind.FINISHED, action)
                : Recovery.of(service.name(), Kind.INCOMPLETE, action + "; it is not healthy: " + problem.get());
    }

    private static boolean untouched(ServiceConfig service, JournalEntry entry, ContainerInfo old) {
        return old.name().equals(service.containerName()) && old.running() == entry.oldWasRunning();
    }

    private static boolean isAside(Optional<ContainerInfo> old, ServiceConfig service) {
        return old.map(o -> o.name().equals(ContainerNames.aside(service.containerName())))
                .orElse(false);
    }
}
