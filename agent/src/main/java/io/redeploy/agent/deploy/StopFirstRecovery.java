package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import java.util.Optional;

/**
 * Heals what an interrupted stop-first deploy leaves: the old container renamed {@code <name>.redeploy-old}.
 * <ul>
 *   <li>no container under the name: the crash came before the new one was created; put the old one back;
 *   <li>the agent's new container runs and passes its health gate: finish, remove the old one;
 *   <li>the new container is not running or fails its gate: roll back to the old one;
 *   <li>the name is held by a container the agent did not create: touch nothing, report it;
 *   <li>the agent's container holds the name and the aside one carries no agent label (a foreign container, or an
 *       adopted one: they cannot be told apart): touch nothing, report it.
 * </ul>
 * Without an aside container, a new container left created but never started (first deploy interrupted) is started.
 */
final class StopFirstRecovery {
    private final DockerGateway docker;
    private final RecoveryGate gate;
    private final Rollback rollback;

    StopFirstRecovery(DockerGateway docker, RecoveryGate gate, Rollback rollback) {
        this.docker = docker;
        this.gate = gate;
        this.rollback = rollback;
    }

    Recovery heal(ServiceConfig service, ContainerInfo aside, Optional<ContainerInfo> primary) {
        String name = service.containerName();
        if (primary.isEmpty()) {
            if (!Ownership.isOurs(aside, service)) {
                // No journal names it and no label says it is ours: it may be anyone's; starting it is not ours to do.
                return Recovery.of(
                        service.name(),
                        Kind.LEFT_AS_IS,
                        "left " + ContainerNames.aside(name)
                                + " as it is: it was not created by the agent and no journal entry names it; rename it back "
                                + "by hand (docker rename " + ContainerNames.aside(name) + " " + name + ")");
            }
            return restoreOld(service, aside, Optional.empty(), Kind.UNDONE, "no new container had been created");
        }
        if (!Ownership.isOurs(primary.get(), service)) {
            return Recovery.of(
                    service.name(),
                    Kind.LEFT_AS_IS,
                    "left " + name + " and " + ContainerNames.aside(name) + " as they are: " + name
                            + " was not created by the agent; resolve by hand");
        }
        if (!Ownership.isOurs(aside, service)) {
            // Finishing would remove it and rolling back would put it under the name: with the agent's container
            // holding the name, an unlabelled aside container may be anyone's (an adopted one cannot be told apart).
            return Recovery.of(
                    service.name(),
                    Kind.LEFT_AS_IS,
                    "left " + name + " and " + ContainerNames.aside(name)
                            + " as they are: " + ContainerNames.aside(name)
                            + " was not created by the agent; remove or rename it by hand");
        }
        return finishOrRollBack(service, primary.get(), aside);
    }

    /** A new container left created by a first deploy that was interrupted before its start. */
    Optional<Recovery> startLeftCreated(ServiceConfig service, Optional<ContainerInfo> primary) {
        return primary.filter(p -> p.neverStarted() && Ownership.isOurs(p, service))
                .map(created -> {
                    docker.start(created.id());
                    return finished(
                            service,
                            created,
                            "started container " + created.name() + " left created by an interrupted deploy");
                });
    }

    private Recovery finishOrRollBack(ServiceConfig service, ContainerInfo primary, ContainerInfo aside) {
        String digest = primary.labels().getOrDefault(AgentLabels.DIGEST, primary.image());
        if (!primary.running()) {
            Kind kind = primary.neverStarted() ? Kind.UNDONE : Kind.ROLLED_BACK;
            return restoreOld(
                    service,
                    aside,
                    Optional.of(primary.id()),
                    kind,
                    "interrupted deploy of " + digest + " left the new container " + primary.status());
        }
        Optional<String> problem;
        try {
            problem = gate.problem(service, primary);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Recovery.of(service.name(), Kind.INCOMPLETE, "recovery interrupted; left as is");
        }
        if (problem.isPresent()) {
            return restoreOld(
                    service,
                    aside,
                    Optional.of(primary.id()),
                    Kind.ROLLED_BACK,
                    "interrupted deploy of " + digest + " is not healthy: " + problem.get());
        }
        docker.remove(aside.id());
        return finished(
                service,
                primary,
                "finished interrupted deploy of " + digest + ": new container is healthy, removed the old one");
    }

    static Recovery finished(ServiceConfig service, ContainerInfo kept, String action) {
        return Recovery.finished(
                service.name(), action, Optional.ofNullable(kept.labels().get(AgentLabels.DIGEST)));
    }

    private Recovery restoreOld(
            ServiceConfig service, ContainerInfo aside, Optional<String> newId, Kind kind, String why) {
        Rollback.Restored restored = rollback.restore(service, newId, Optional.of(aside), true, true);
        String result = "rolled back to the old container (" + why + ")";
        return restored.complete()
                ? Recovery.of(service.name(), kind, result)
                : Recovery.of(
                        service.name(),
                        Kind.INCOMPLETE,
                        result + "; rollback incomplete: " + String.join("; ", restored.problems()));
    }
}
