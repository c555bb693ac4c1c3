package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.Recovery.Kind;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.ImageInfo;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals a deploy interrupted by a crash, recognised by a container named {@code <name>.redeploy-old}:
 * <ul>
 *   <li>no container under the name: the crash came before the new one was created; put the old one back;</li>
 *   <li>the agent's new container runs and passes its health gate: finish, remove the old one;</li>
 *   <li>the new container is not running or fails its gate: roll back to the old one;</li>
 *   <li>the name is held by a container the agent did not create: touch nothing, report it;</li>
 *   <li>the agent's container holds the name and the aside one carries no agent label (a foreign container, or an
 *       adopted one: they cannot be told apart): touch nothing, report it.</li>
 * </ul>
 * Without an aside container, a new container left created but never started (first deploy interrupted) is started.
 *
 * <p>A start-first deploy leaves {@code <name>.redeploy-new} instead: with the old container gone (the crash came
 * after the switch, or left stopped) and the new one healthy, the switch is finished (aliases, name); otherwise it is
 * removed and the old container, never stopped, keeps serving (its aliases are reconnected if the crash came
 * mid-switch).
 */
final class CrashRecovery {
    private static final Logger log = LoggerFactory.getLogger(CrashRecovery.class);

    private final DockerGateway docker;
    private final HealthGateFactory gates;
    private final Rollback rollback;

    CrashRecovery(DockerGateway docker, HealthGateFactory gates, Rollback rollback) {
        this.docker = docker;
        this.gates = gates;
        this.rollback = rollback;
    }

    /** What was done for the service, as one line for the operator; empty when it was whole already. */
    Optional<String> recover(ServiceConfig service) {
        Recovery recovery = heal(service);
        return recovery.kind() == Kind.NOTHING_TO_HEAL
                ? Optional.empty()
                : Optional.of(service.name() + ": " + recovery.action());
    }

    /** Makes the service whole if an interrupted deploy left it otherwise; logs one line when it had to act. */
    Recovery heal(ServiceConfig service) {
        String name = service.containerName();
        try {
            Optional<ContainerInfo> aside = docker.inspectContainer(ContainerNames.aside(name));
            Optional<ContainerInfo> primary = docker.inspectContainer(name);
            Optional<ContainerInfo> starting = docker.inspectContainer(ContainerNames.starting(name))
                    .filter(s -> AgentLabels.isManagedFor(s.labels(), service.name()));
            Recovery recovery;
            if (starting.isPresent() && aside.isEmpty()) {
                recovery = startFirst(service, starting.get(), primary);
            } else if (aside.isEmpty()) {
                recovery = primary.filter(p -> p.neverStarted() && AgentLabels.isManagedFor(p.labels(), service.name()))
                        .map(p -> startLeftCreated(service, p))
                        .orElseGet(() -> Recovery.nothingToHeal(service.name()));
            } else if (primary.isEmpty()) {
                recovery = restoreOld(service, aside.get(), Optional.empty(), "no new container had been created");
            } else if (!AgentLabels.isManagedFor(primary.get().labels(), service.name())) {
                recovery = Recovery.of(
                        service.name(),
                        Kind.LEFT_AS_IS,
                        "left " + name + " and " + ContainerNames.aside(name) + " as they are: " + name
                                + " was not created by the agent; resolve by hand");
            } else if (!AgentLabels.isManagedFor(aside.get().labels(), service.name())) {
                // Finishing would remove it and rolling back would put it under the name: with the agent's container
                // holding the name, an unlabelled aside container may be anyone's (an adopted one cannot be told
                // apart).
                recovery = Recovery.of(
                        service.name(),
                        Kind.LEFT_AS_IS,
                        "left " + name + " and " + ContainerNames.aside(name) + " as they are: "
                                + ContainerNames.aside(name)
                                + " was not created by the agent; remove or rename it by hand");
            } else {
                recovery = finishOrRollBack(service, primary.get(), aside.get());
            }
            if (recovery.kind() != Kind.NOTHING_TO_HEAL) {
                log.warn(
                        "{}",
                        LogLine.event("recover").with("service", service.name()).with("action", recovery.action()));
            }
            return recovery;
        } catch (RuntimeException e) {
            // Engine failures (DockerGatewayException) and bugs alike: report, and go on with the other services.
            String reason = e instanceof DockerGatewayException ? e.getMessage() : e.toString();
            log.error(
                    "{}",
                    LogLine.event("recover.failed")
                            .with("service", service.name())
                            .with("reason", reason));
            return Recovery.of(service.name(), Kind.INCOMPLETE, "recovery failed: " + reason);
        }
    }

    private Recovery startFirst(ServiceConfig service, ContainerInfo starting, Optional<ContainerInfo> primary) {
        String name = service.containerName();
        String network = service.network().orElse("");
        if (primary.isPresent()
                && !primary.get().running()
                && Deployer.mayTouch(primary.get(), service)
                && starting.running()
                && healthy(service, starting)) {
            // The crash came after the switch, while the old container was being stopped or removed.
            docker.remove(primary.get().id());
            return finished(service, starting, finishSwitch(service, starting, "removed the stopped old container, "));
        }
        if (primary.isPresent()) {
            docker.remove(starting.id());
            ContainerInfo old = primary.get();
            if (!network.isEmpty()
                    && old.running()
                    && !old.ipAddresses().containsKey(network)
                    && Deployer.mayTouch(old, service)) {
                // The crash came between the disconnect of the old one and its stop: give it its aliases back.
                docker.connectNetwork(old.id(), network, service.networkAliases());
                return Recovery.of(
                        service.name(),
                        Kind.ROLLED_BACK,
                        "removed " + starting.name() + " left by an interrupted start-first deploy and reconnected "
                                + name + " to " + network);
            }
            return Recovery.of(
                    service.name(),
                    Kind.ROLLED_BACK,
                    "removed " + starting.name() + " left by an interrupted start-first deploy; " + name
                            + " serves on");
        }
        if (starting.running() && healthy(service, starting)) {
            return finished(service, starting, finishSwitch(service, starting, ""));
        }
        docker.remove(starting.id());
        return Recovery.of(
                service.name(),
                Kind.ROLLED_BACK,
                "removed " + starting.name() + " left " + starting.status()
                        + " or unhealthy by an interrupted start-first deploy; no container runs under " + name
                        + " until the next deploy");
    }

    private static Recovery finished(ServiceConfig service, ContainerInfo kept, String action) {
        return new Recovery(
                service.name(),
                Kind.FINISHED,
                action,
                Optional.ofNullable(kept.labels().get(AgentLabels.DIGEST)));
    }

    private String finishSwitch(ServiceConfig service, ContainerInfo starting, String before) {
        String network = service.network().orElse("");
        if (!network.isEmpty() && !service.networkAliases().isEmpty()) {
            if (starting.ipAddresses().containsKey(network)) {
                docker.disconnectNetwork(starting.id(), network);
            }
            docker.connectNetwork(starting.id(), network, service.networkAliases());
        }
        docker.rename(starting.id(), service.containerName());
        // The agent's port, if any, is pointed at it by Deployer.recover once every service is whole.
        return "finished interrupted start-first deploy: " + before + starting.name() + " is healthy, renamed it to "
                + service.containerName();
    }

    private boolean healthy(ServiceConfig service, ContainerInfo container) {
        ImageInfo image = docker.inspectImage(container.imageId())
                .orElse(new ImageInfo(container.imageId(), List.of(), List.of(), false));
        try {
            gates.gateFor(service, image).await(container.id());
            return true;
        } catch (HealthCheckFailedException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Recovery startLeftCreated(ServiceConfig service, ContainerInfo created) {
        docker.start(created.id());
        return finished(
                service, created, "started container " + created.name() + " left created by an interrupted deploy");
    }

    private Recovery finishOrRollBack(ServiceConfig service, ContainerInfo primary, ContainerInfo aside) {
        String digest = primary.labels().getOrDefault(AgentLabels.DIGEST, primary.image());
        if (primary.running()) {
            ImageInfo image = docker.inspectImage(primary.imageId())
                    .orElse(new ImageInfo(primary.imageId(), List.of(), List.of(), false));
            try {
                gates.gateFor(service, image).await(primary.id());
                docker.remove(aside.id());
                return finished(
                        service,
                        primary,
                        "finished interrupted deploy of " + digest + ": new container is healthy, removed the old one");
            } catch (HealthCheckFailedException | IllegalArgumentException e) {
                return restoreOld(
                        service,
                        aside,
                        Optional.of(primary.id()),
                        "interrupted deploy of " + digest + " is not healthy: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Recovery.of(service.name(), Kind.INCOMPLETE, "recovery interrupted; left as is");
            }
        }
        return restoreOld(
                service,
                aside,
                Optional.of(primary.id()),
                "interrupted deploy of " + digest + " left the new container " + primary.status());
    }

    private Recovery restoreOld(ServiceConfig service, ContainerInfo aside, Optional<String> newId, String why) {
        Rollback.Restored restored = rollback.restore(service.containerName(), newId, Optional.of(aside), true, true);
        String result = "rolled back to the old container (" + why + ")";
        return restored.complete()
                ? Recovery.of(service.name(), Kind.ROLLED_BACK, result)
                : Recovery.of(
                        service.name(),
                        Kind.INCOMPLETE,
                        result + "; rollback incomplete: " + String.join("; ", restored.problems()));
    }
}
