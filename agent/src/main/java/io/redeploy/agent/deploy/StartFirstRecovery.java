package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import java.util.Optional;

/**
 * Heals what an interrupted start-first deploy leaves: the new container under {@code <name>.redeploy-new}. With
 * the old container gone (the crash came after the switch) or stopped, and the new one healthy, the switch is
 * finished (aliases, name); otherwise the new one is removed and the old container, never stopped, keeps serving
 * (its aliases are reconnected if the crash came mid-switch). A service's traffic switch is pointed at the container
 * that is kept before the other one is removed, so a proxy never points at a removed container; a proxy that cannot
 * be asked leaves both containers running ({@code recover.failed}), to be healed by the next recovery.
 * The new build counts as judged (rolled back, not retried) only when its container died or failed its gate here;
 * removed while the old one still served, it is tried again.
 */
final class StartFirstRecovery {
    private final DockerGateway docker;
    private final RecoveryGate gate;
    private final TrafficPointer traffic;

    StartFirstRecovery(DockerGateway docker, RecoveryGate gate, TrafficPointer traffic) {
        this.docker = docker;
        this.gate = gate;
        this.traffic = traffic;
    }

    Recovery heal(ServiceConfig service, ContainerInfo starting, Optional<ContainerInfo> primary)
            throws InterruptedException {
        String name = service.containerName();
        String network = service.network().orElse("");
        if (primary.isPresent()
                && !primary.get().running()
                && Ownership.mayTouch(primary.get(), service)
                && starting.running()
                && gate.healthy(service, starting)) {
            // The crash came after the switch, while the old container was being stopped or removed.
            traffic.point(service, starting);
            docker.remove(primary.get().id());
            return finished(service, starting, finishSwitch(service, starting, "removed the stopped old container, "));
        }
        if (primary.isPresent()) {
            // The old container still serves: the new one is removed without being judged (a start-first retry costs
            // clients nothing), unless it died on its own, which judges the build.
            Kind kind = judgedByDying(starting);
            ContainerInfo old = primary.get();
            if (old.running()) {
                // The crash may have come after the switch: the proxy is pointed back, and the new one drained,
                // before it goes.
                traffic.moveTo(service, old, starting);
            }
            docker.remove(starting.id());
            if (!network.isEmpty()
                    && old.running()
                    && !old.ipAddresses().containsKey(network)
                    && Ownership.mayTouch(old, service)) {
                // The crash came between the disconnect of the old one and its stop: give it its aliases back.
                docker.connectNetwork(old.id(), network, service.networkAliases());
                return Recovery.of(
                        service.name(),
                        kind,
                        "removed " + starting.name() + " left " + starting.status()
                                + " by an interrupted start-first deploy and reconnected " + name + " to " + network
                                + retried(kind));
            }
            return Recovery.of(
                    service.name(),
                    kind,
                    "removed " + starting.name() + " left " + starting.status()
                            + " by an interrupted start-first deploy; " + name + " serves on" + retried(kind));
        }
        if (starting.running() && gate.healthy(service, starting)) {
            traffic.point(service, starting);
            return finished(service, starting, finishSwitch(service, starting, ""));
        }
        docker.remove(starting.id());
        if (starting.neverStarted()) {
            return Recovery.of(
                    service.name(),
                    Kind.UNDONE,
                    "removed " + starting.name() + " left created (never started) by an interrupted start-first deploy;"
                            + " no container runs under " + name + " until the next poll deploys the build again");
        }
        return Recovery.of(
                service.name(),
                Kind.ROLLED_BACK,
                "removed " + starting.name() + " left " + starting.status()
                        + " or unhealthy by an interrupted start-first deploy; no container runs under " + name
                        + " until the next deploy");
    }

    /**
     * A new container that exited (or is being restarted by its policy) has judged its build: rolled back, remembered
     * as failed. One that was created, or running and perhaps in its gate, has not: the deploy is undone and tried again.
     */
    private static Kind judgedByDying(ContainerInfo starting) {
        return starting.exitedOrRestarting() ? Kind.ROLLED_BACK : Kind.UNDONE;
    }

    private static String retried(Kind kind) {
        return kind == Kind.UNDONE ? "; the build was not judged, the next poll deploys it again" : "";
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
        return "finished interrupted start-first deploy: " + before + starting.name() + " is healthy, renamed it to "
                + service.containerName();
    }

    private static Recovery finished(ServiceConfig service, ContainerInfo kept, String action) {
        return Recovery.finished(
                service.name(), action, Optional.ofNullable(kept.labels().get(AgentLabels.DIGEST)));
    }
}
