package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.health.HealthCheckFailedException;
import io.redeploy.agent.docker.AgentLabels;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.state.StateException;
import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitchException;
import io.redeploy.agent.traffic.TrafficSwitches;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The swap of a {@code strategy: start-first} service: the new container starts next to the old one and takes
 * over the service's network aliases, and/or the traffic switch in front of it ({@code proxy} or {@code traffic}), only once it is
 * healthy, so clients never see an outage, not even for a build that fails its health gate.
 *
 * <p>Steps: create the new container as {@code <name>.redeploy-new} on the service's network <em>without</em>
 * aliases (an unhealthy build must not receive a single request); start; health gate; <b>switch</b>: reconnect the
 * new one with the aliases and/or point the switch at it; drain the old one ({@code drain}), take it off the
 * aliases, stop and remove it; rename the new one to {@code <name>}. A failure before the switch removes the new
 * container; the old one was never touched ({@code rolled_back}, so the digest is not retried). After the switch the
 * deploy counts as done: a failed cleanup is reported, not rolled back.
 */
final class StartFirstSwap implements SwapStrategy {
    private static final Logger log = LoggerFactory.getLogger(StartFirstSwap.class);
    private static final Optional<String> STRATEGY = Optional.of("start-first");

    private final DockerGateway docker;
    private final Clock clock;
    private final Rollback rollback;
    private final AfterSwap after;
    private final AttemptLog attempts;
    private final TrafficSwitches switches;
    private final DeployJournal journal;
    private final Retirement retirement;

    StartFirstSwap(
            DockerGateway docker,
            Clock clock,
            Rollback rollback,
            AfterSwap after,
            AttemptLog attempts,
            TrafficSwitches switches,
            DeployJournal journal) {
        this.journal = journal;
        this.docker = docker;
        this.clock = clock;
        this.rollback = rollback;
        this.after = after;
        this.attempts = attempts;
        this.switches = switches;
        this.retirement = new Retirement(docker, clock);
    }

    @Override
    public DeployResult swap(Swap swap) {
        Attempt attempt = swap.attempt();
        ServiceConfig service = attempt.service();
        Map<String, List<String>> aliases = SideBySide.aliasesToMove(swap);
        Optional<TrafficSwitch> port = service.trafficSwitch().flatMap(p -> switches.forService(service.name()));
        Optional<String> refusal = SideBySide.refusal(swap, port);
        if (refusal.isPresent()) {
            return attempts.failed(attempt, "settings", refusal.get(), false);
        }
        Switch sw = new Switch(attempt, aliases, port, swap.old(), swap.tag());
        try {
            sw.checkSwitch();
            sw.startNew(swap);
            sw.switchOver();
        } catch (DockerGatewayException e) {
            return discarded(sw, e.getMessage(), e instanceof DockerUnreachableException);
        } catch (HealthCheckFailedException e) {
            return discarded(sw, e.getMessage(), false);
        } catch (TrafficSwitchException e) {
            // Caddy keeps its config on a refused change; HAProxy's slots change one command at a time: point back.
            sw.pointBack();
            return discarded(sw, e.getMessage(), false);
        } catch (StateException e) {
            return discarded(sw, "the deploy journal could not be written: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            Event.error(log, "deploy.unexpected")
                    .with("service", attempt.name())
                    .reason(e.toString())
                    .cause(e)
                    .log();
            return discarded(sw, "unexpected " + e, false);
        } catch (InterruptedException e) {
            DeployResult result = discarded(sw, "interrupted (agent stopping)", false);
            Thread.currentThread().interrupt();
            return result;
        }
        attempts.healthy(attempt, swap.gate(), STRATEGY);

        String created = sw.newId.orElseThrow();
        sw.record(JournalEntry.Step.RETIRE_OLD);
        List<DockerGatewayException> problems = new ArrayList<>();
        swap.old()
                .ifPresent(
                        o -> retirement.retire(service, o, sw.port, sw.previousTarget, sw.aliases.keySet(), problems));
        // Until this rename, recovery recognises the switched-over container by its temporary name.
        Rollback.attempt(problems, () -> docker.rename(created, service.containerName()));
        String cleanup = problems.isEmpty() ? "" : "; cleanup incomplete: " + Retirement.messages(problems);
        // With the engine gone mid-cleanup, recovery finishes the switch (rename) or removes the old one once it is
        // back.
        boolean engineLost = problems.stream().anyMatch(p -> p instanceof DockerUnreachableException);
        if (!engineLost) {
            journal.close(attempt.name());
        }
        return after.finish(swap, created, STRATEGY, cleanup, engineLost);
    }

    /** The steps up to and including the switch, and what they created, so a failure removes exactly that. */
    private final class Switch {
        final Attempt attempt;
        final Map<String, List<String>> aliases;
        final Optional<TrafficSwitch> port;
        final LocalTag tag;
        String step;
        Optional<String> newId = Optional.empty();
        Optional<ForwardTarget> previousTarget = Optional.empty();
        Optional<ForwardTarget> beforeSwitch = Optional.empty();
        JournalEntry entry;

        Switch(
                Attempt attempt,
                Map<String, List<String>> aliases,
                Optional<TrafficSwitch> port,
                Optional<ContainerInfo> old,
                LocalTag tag) {
            this.attempt = attempt;
            this.aliases = aliases;
            this.port = port;
            this.tag = tag;
            this.step = "remove leftover " + ContainerNames.starting(attempt.containerName());
            this.entry = JournalEntry.begin(
                    attempt.name(),
                    JournalEntry.Strategy.START_FIRST,
                    old,
                    attempt.from().map(Digest::value),
                    attempt.to().value(),
                    attempt.started(),
                    Optional.of(tag));
        }

        void record(JournalEntry.Step next) {
            entry = journal.record(entry.at(next));
        }

        /** Before anything is created: a reverse proxy that cannot be asked now would refuse the switch later. */
        void checkSwitch() {
            if (port.isPresent()) {
                step = switchStep();
                port.get().ensure();
            }
        }

        String switchStep() {
            return DeployResult.TRAFFIC_STEP + " ("
                    + attempt.service().trafficSwitch().orElseThrow().describe() + ")";
        }

        /** After a failed switch: the old container gets every request again, as far as the proxy answers. */
        void pointBack() {
            if (port.isEmpty() || beforeSwitch.isEmpty()) {
                return;
            }
            try {
                port.get().switchTo(beforeSwitch.get());
            } catch (TrafficSwitchException e) {
                Event.warn(log, "traffic.point_back_failed")
                        .with("service", attempt.name())
                        .with("target", beforeSwitch.get().endpoint())
                        .reason(e.getMessage())
                        .log();
            }
        }

        void startNew(Swap swap) throws HealthCheckFailedException, InterruptedException {
            removeLeftover(attempt.service());
            step = "create";
            record(JournalEntry.Step.CREATE);
            newId = Optional.of(
                    swap.container().create(docker, ContainerNames.starting(attempt.containerName()), false));
            entry = journal.record(entry.created(newId.get()).at(JournalEntry.Step.START_NEW));
            step = "start";
            docker.start(newId.get());
            step = "health (" + swap.gate().describe() + ")";
            record(JournalEntry.Step.GATE);
            swap.gate().await(newId.get());
        }

        void switchOver() {
            ServiceConfig service = attempt.service();
            record(JournalEntry.Step.SWITCH);
            for (Map.Entry<String, List<String>> network : aliases.entrySet()) {
                step = "switch aliases to the new container on " + network.getKey();
                // An endpoint's aliases are fixed when it is connected: reconnect with them (the old one still serves).
                docker.disconnectNetwork(newId.get(), network.getKey());
                docker.connectNetwork(newId.get(), network.getKey(), network.getValue());
            }
            if (port.isPresent()) {
                int containerPort = service.trafficSwitch().get().containerPort();
                step = "switch " + service.trafficSwitch().get().describe() + " to the new container";
                ContainerInfo fresh = docker.inspectContainer(newId.get())
                        .orElseThrow(() -> new DockerGatewayException("the new container is gone"));
                ForwardTarget next = ProxyTargets.of(fresh, containerPort)
                        .orElseThrow(() -> new DockerGatewayException("the new container publishes no host port for "
                                + containerPort + " and has no network address"));
                // The last step that may fail comes before this one: from here on, new connections reach the new build.
                step = switchStep();
                beforeSwitch = port.get().target();
                previousTarget = port.get().switchTo(next);
            }
        }
    }

    /** A new container left by an earlier, unrecovered run is ours to discard; anyone else's stops the deploy. */
    private void removeLeftover(ServiceConfig service) {
        String starting = ContainerNames.starting(service.containerName());
        Optional<ContainerInfo> leftover = docker.inspectContainer(starting);
        if (leftover.isEmpty()) {
            return;
        }
        if (!AgentLabels.isManagedFor(leftover.get().labels(), service.name())) {
            throw new DockerGatewayException("container " + starting + " exists and was not created by the agent for "
                    + service.name() + "; remove or rename it");
        }
        docker.remove(leftover.get().id());
    }

    /** The new build failed before the switch: remove it. The old container was never touched. */
    private DeployResult discarded(Switch sw, String cause, boolean engineLost) {
        Rollback.Restored removed = rollback.restore(sw.attempt.service(), sw.newId, Optional.empty(), false, false);
        if (removed.complete()) {
            journal.close(sw.attempt.name());
        }
        String reason = AttemptLog.reason(sw.step, cause, removed, "removing the new container failed")
                + sw.tag.restore(docker).map(problem -> "; " + problem).orElse("");
        return attempts.discarded(sw.attempt, reason, engineLost || removed.engineLost());
    }
}
