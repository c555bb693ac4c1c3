package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.Recovery.Kind;
import io.redeploy.agent.traffic.TrafficSwitchException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a service whole after an interrupted deploy (the agent killed, or the engine gone, in the middle of one),
 * recognised by the names the strategies give containers while they swap: a stop-first deploy leaves
 * {@code <name>.redeploy-old} ({@link StopFirstRecovery}), a start-first one {@code <name>.redeploy-new}
 * ({@link StartFirstRecovery}). Logs one {@code event=recover} line when it had to act.
 */
final class CrashRecovery {
    private static final Logger log = LoggerFactory.getLogger(CrashRecovery.class);

    private final DockerGateway docker;
    private final DeployJournal journal;
    private final JournalRecovery fromJournal;
    private final StopFirstRecovery stopFirst;
    private final StartFirstRecovery startFirst;

    CrashRecovery(
            DockerGateway docker, RecoveryGate gate, Rollback rollback, DeployJournal journal, TrafficPointer traffic) {
        this.docker = docker;
        this.journal = journal;
        this.fromJournal = new JournalRecovery(docker, gate, rollback);
        this.stopFirst = new StopFirstRecovery(docker, gate, rollback);
        this.startFirst = new StartFirstRecovery(docker, gate, traffic);
    }

    /** What was done for the service, as one line for the operator; empty when it was whole already. */
    Optional<String> recover(ServiceConfig service) {
        Recovery recovery = heal(service);
        return recovery.kind() == Kind.NOTHING_TO_HEAL
                ? Optional.empty()
                : Optional.of(service.name() + ": " + recovery.action());
    }

    Recovery heal(ServiceConfig service) {
        String name = service.containerName();
        try {
            Optional<JournalEntry> entry = journal.open(service.name());
            Recovery recovery = entry.isPresent() && entry.get().strategy() != JournalEntry.Strategy.START_FIRST
                    ? fromJournal.heal(service, entry.get())
                    : byNames(service, name, entry);
            if (recovery.kind() != Kind.INCOMPLETE) {
                journal.close(service.name());
            }
            if (recovery.kind() != Kind.NOTHING_TO_HEAL) {
                Event.warn(log, "recover")
                        .with("service", service.name())
                        .with("action", recovery.action())
                        .log();
            }
            return recovery;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Recovery.of(service.name(), Kind.INCOMPLETE, "recovery interrupted; left as is");
        } catch (RuntimeException e) {
            // Engine failures (DockerGatewayException) and bugs alike: report, and go on with the other services.
            String reason = e instanceof DockerGatewayException || e instanceof TrafficSwitchException
                    ? e.getMessage()
                    : e.toString();
            Event.error(log, "recover.failed")
                    .with("service", service.name())
                    .reason(reason)
                    .log();
            return Recovery.of(service.name(), Kind.INCOMPLETE, "recovery failed: " + reason);
        }
    }

    /** Without a journal entry (or for start-first, whose temporary name says it all): judged by names and labels. */
    private Recovery byNames(ServiceConfig service, String name, Optional<JournalEntry> entry)
            throws InterruptedException {
        Optional<ContainerInfo> aside = docker.inspectContainer(ContainerNames.aside(name));
        Optional<ContainerInfo> primary = docker.inspectContainer(name);
        Optional<ContainerInfo> starting =
                docker.inspectContainer(ContainerNames.starting(name)).filter(s -> Ownership.isOurs(s, service));
        Recovery recovery;
        if (aside.isPresent()) {
            recovery = stopFirst.heal(service, aside.get(), primary);
        } else if (starting.isPresent()) {
            recovery = startFirst.heal(service, starting.get(), primary);
        } else {
            recovery = stopFirst
                    .startLeftCreated(service, primary)
                    .orElseGet(() -> Recovery.nothingToHeal(service.name()));
        }
        if (recovery.kind() == Kind.UNDONE || recovery.kind() == Kind.ROLLED_BACK) {
            entry.flatMap(JournalEntry::localTag).ifPresent(tag -> tag.restore(docker));
        }
        return entry.map(e -> recovery.of(e.from(), e.to())).orElse(recovery);
    }

    /** A deploy that finds a container still aside (crash not yet recovered) heals it first. */
    void healLeftovers(ServiceConfig service) {
        String aside = ContainerNames.aside(service.containerName());
        if (docker.inspectContainer(aside).isEmpty()
                && journal.open(service.name()).isEmpty()) {
            return;
        }
        recover(service)
                .ifPresent(action -> Event.warn(log, "deploy.healed")
                        .with("service", service.name())
                        .with("action", action)
                        .log());
        if (docker.inspectContainer(aside).isPresent()) {
            throw new DockerGatewayException("container " + aside
                    + " is left over from an interrupted deploy and could not be resolved; remove or rename it");
        }
    }
}
