package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ContainerSettings;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.docker.DockerGatewayException;
import io.redeploy.agent.docker.DockerUnreachableException;
import io.redeploy.agent.log.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts the old container back: removes the failed new one (keeping the tail of its logs for the reason),
 * renames the old one back to the configured name, starts it again and waits for its health gate: a rollback is done
 * when the old build answers, not when its container starts (a JVM app takes seconds, and a build whose migrations
 * the old one cannot read never answers again: that is reported, not hidden behind "rolled back"). Every step is
 * attempted even when an earlier one fails, so that as much as possible is restored; what could not be done is
 * returned.
 */
final class Rollback {
    static final int LOG_LINES = 5;

    private final DockerGateway docker;
    private final RecoveryGate gate;

    Rollback(DockerGateway docker, RecoveryGate gate) {
        this.docker = docker;
        this.gate = gate;
    }

    /**
     * The outcome: the failed container's last log lines (may be empty), the steps that failed, and whether one
     * failed because the engine did not answer at all (it may have stopped or restarted meanwhile).
     */
    record Restored(String newContainerLogs, List<String> problems, boolean engineLost) {
        boolean complete() {
            return problems.isEmpty();
        }
    }

    /**
     * @param service        the service: its container name and its health gate
     * @param newContainerId the replacement, if it was created
     * @param old            the previous container, if there was one
     * @param oldIsAside     the old container currently carries the aside name
     * @param startOld       start the old container again (it was running before the deploy)
     */
    Restored restore(
            ServiceConfig service,
            Optional<String> newContainerId,
            Optional<ContainerInfo> old,
            boolean oldIsAside,
            boolean startOld) {
        String containerName = service.containerName();
        List<DockerGatewayException> failures = new ArrayList<>();
        List<String> unhealthy = new ArrayList<>();
        String logs = "";
        if (newContainerId.isPresent()) {
            logs = redactedLogs(newContainerId.get());
            // Removed before the rename: the new container holds the configured name.
            attempt(failures, () -> docker.remove(newContainerId.get()));
        }
        if (old.isPresent()) {
            String oldId = old.get().id();
            if (oldIsAside) {
                attempt(failures, () -> docker.rename(oldId, containerName));
            }
            if (startOld && attempt(failures, () -> docker.start(oldId))) {
                judge(service, old.get()).ifPresent(unhealthy::add);
            }
        }
        List<String> problems = new ArrayList<>();
        failures.forEach(f -> problems.add(f.getMessage()));
        problems.addAll(unhealthy);
        return new Restored(logs, problems, failures.stream().anyMatch(f -> f instanceof DockerUnreachableException));
    }

    /** Why the old build, started again, does not pass the service's health gate; empty when it does. */
    private Optional<String> judge(ServiceConfig service, ContainerInfo old) {
        try {
            return gate.problem(service, old)
                    .map(p -> "the old build did not pass its health gate after the rollback: " + p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted before the old build passed its health gate");
        } catch (RuntimeException e) {
            // An engine error or a bug in a gate: the rollback's other steps are done; say what is not known.
            return Optional.of("the old build could not be judged after the rollback: " + e.getMessage());
        }
    }

    /**
     * The failed container's log tail with its own environment's values hidden: a followed container's env (its
     * database password) is not in agent.yml, so only the container can say what to hide.
     */
    private String redactedLogs(String containerId) {
        String tail = docker.logsTail(containerId, LOG_LINES);
        if (tail.isEmpty()) return tail;
        Optional<ContainerSettings> settings;
        try {
            settings = docker.settings(containerId);
        } catch (DockerGatewayException e) {
            return "(log tail left out: the container's environment could not be read to hide its secrets)";
        }
        return Redactor.none()
                .withEnv(settings.map(ContainerSettings::env).orElse(java.util.Map.of()))
                .redact(tail);
    }

    /**
     * Runs one engine step of a restore or cleanup, collecting its failure so the next steps still run; true when the
     * step succeeded.
     */
    static boolean attempt(List<DockerGatewayException> failures, Runnable step) {
        try {
            step.run();
            return true;
        } catch (DockerGatewayException e) {
            failures.add(e);
            return false;
        }
    }
}
