package io.redeploy.agent.swarm;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.swarm.ServiceImage;
import io.redeploy.agent.docker.swarm.SwarmApiException;
import io.redeploy.agent.docker.swarm.SwarmControl;
import io.redeploy.agent.docker.swarm.SwarmRegistryAuth;
import io.redeploy.agent.docker.swarm.SwarmService;
import io.redeploy.agent.docker.swarm.SwarmTask;
import io.redeploy.agent.docker.swarm.SwarmUpdateConfig;
import io.redeploy.agent.docker.swarm.SwarmUpdateStatus;
import io.redeploy.agent.docker.swarm.SwarmVersionConflictException;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.DeployTarget;
import io.redeploy.agent.reconcile.Recovery;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import io.redeploy.agent.reconcile.Workload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swarm services as a {@link DeployTarget}: the agent decides, Swarm deploys. A new digest becomes the service's image
 * ({@code repo:tag@digest}, the rest of the spec as it is, registry credentials forwarded for the nodes' pulls), and
 * the rolling update is followed to its end ({@link SwarmUpdateFollower}); the service's own UpdateConfig and
 * RollbackConfig decide how. An update another agent already sent (the version index moved) is followed, never sent
 * twice; an update a killed agent left running is followed again after the restart.
 */
public final class SwarmTarget implements DeployTarget {
    private static final Logger log = LoggerFactory.getLogger(SwarmTarget.class);
    public static final Duration DEFAULT_UPDATE_TIMEOUT = Duration.ofMinutes(15);

    private final SwarmControl swarm;
    private final SwarmUpdateFollower follower;
    private final Clock clock;
    private final Duration updateTimeout;
    private final PolledServices services;
    private final SwarmDeployResults results;

    public SwarmTarget(SwarmControl swarm, SwarmUpdateFollower follower, Clock clock, Duration updateTimeout) {
        this.swarm = swarm;
        this.follower = follower;
        this.clock = clock;
        this.updateTimeout = updateTimeout;
        this.services = new PolledServices(swarm);
        this.results = new SwarmDeployResults(clock);
    }

    /**
     * The engine answers (the poll's one {@code GET /info}); whether it manages a swarm is each service's
     * {@link #resolve} to say.
     */
    @Override
    public void ping() {
        services.ping();
    }

    @Override
    public ServiceConfig resolve(ServiceConfig service) {
        SwarmService s = services.resolve(service);
        if (s.mode() == SwarmService.Mode.JOB) {
            throw new UnresolvedServiceException(
                    "Swarm service " + s.name() + " is a job; only replicated and global services are updated");
        }
        ServiceImage image;
        try {
            image = ServiceImage.parse(s.image());
        } catch (IllegalArgumentException e) {
            throw new UnresolvedServiceException(
                    "Swarm service " + s.name() + " runs '" + s.image() + "': " + e.getMessage());
        }
        if (image.tag().isEmpty()) {
            throw new UnresolvedServiceException("Swarm service " + s.name() + " runs " + s.image()
                    + ", pinned to a digest without a tag: there is no tag to watch; deploy it as repo:tag"
                    + " (docker stack deploy keeps the tag next to the digest)");
        }
        try {
            return service.withImage(
                    ImageRef.parse(image.repository(), image.tag().get()));
        } catch (IllegalArgumentException e) {
            throw new UnresolvedServiceException(
                    "Swarm service " + s.name() + " runs '" + s.image() + "': " + e.getMessage());
        }
    }

    /** The service's digest (its spec's, else its running tasks'), running when at least one task runs. */
    @Override
    public Workload observe(ServiceConfig service) {
        Optional<SwarmService> found = services.take(service);
        if (found.isEmpty()) {
            return Workload.absent(service.name());
        }
        SwarmService s = found.get();
        List<SwarmTask> tasks = swarm.tasks(s.id());
        long running = tasks.stream().filter(SwarmTask::isRunning).count();
        Set<Digest> digests = new HashSet<>();
        s.digest().ifPresent(digests::add);
        if (digests.isEmpty()) {
            tasks.stream().filter(SwarmTask::isRunning).forEach(t -> t.digest().ifPresent(digests::add));
        }
        String status = running + " of " + desired(s, tasks) + " tasks running";
        return new Workload(
                service.name(),
                Optional.of(s.id()),
                Optional.empty(),
                digests,
                running > 0,
                true,
                s.digest(),
                Optional.empty(),
                status);
    }

    @Override
    public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
        Instant started = clock.instant();
        SwarmService current;
        try {
            current = services.inspect(service);
        } catch (UnresolvedServiceException | SwarmApiException e) {
            return results.failed(service, Optional.empty(), target, "inspect failed: " + e.getMessage(), started);
        }
        Optional<Digest> from = current.digest();
        try {
            if (!current.digest().filter(target::equals).isPresent()) {
                swarm.updateDigest(current, target, auth(registry), SwarmUpdateConfig.none());
                Event.info(log, "swarm.update_sent")
                        .with("service", service.name())
                        .with("swarm_service", current.name())
                        .with("to", target)
                        .log();
            }
        } catch (SwarmVersionConflictException e) {
            // Another writer (a second agent on another manager) changed the service first: follow, never re-send.
            Event.info(log, "swarm.update_conflict")
                    .with("service", service.name())
                    .reason(e.getMessage())
                    .log();
        } catch (SwarmApiException e) {
            return results.failed(service, from, target, "update failed: " + e.getMessage(), started);
        }
        return follow(service, current.id(), from, target, started);
    }

    private DeployResult follow(
            ServiceConfig service, String serviceId, Optional<Digest> from, Digest target, Instant started) {
        SwarmUpdateOutcome outcome;
        try {
            outcome = follower.follow(serviceId, target, updateTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return results.failed(
                    service,
                    from,
                    target,
                    "inspect failed: interrupted while following the Swarm update (Swarm goes on with it)",
                    started);
        }
        return results.followed(service, from, target, outcome, started);
    }

    /** Not for Swarm: a dependent's tasks reconnect on their own; Swarm restarts failed tasks itself. */
    @Override
    public boolean restart(ServiceConfig service) {
        Event.info(log, "deploy.restart_skipped")
                .with("service", service.name())
                .reason("a Swarm service is not restarted by the agent; Swarm restarts its tasks")
                .log();
        return false;
    }

    /**
     * An update a killed agent left running is followed to its end: Swarm holds the desired state, so nothing is sent
     * again; its outcome is recorded as the deploy's.
     */
    @Override
    public List<Recovery> recover(List<ServiceConfig> services) {
        List<Recovery> recoveries = new ArrayList<>();
        for (ServiceConfig service : services) {
            try {
                Optional<SwarmService> s = swarm.inspectService(PolledServices.swarmName(service));
                if (s.isEmpty() || s.get().digest().isEmpty() || !updating(s.get())) {
                    continue;
                }
                Digest target = s.get().digest().get();
                DeployResult followed = follow(service, s.get().id(), Optional.empty(), target, clock.instant());
                Recovery.Kind kind = followed.succeeded() ? Recovery.Kind.FINISHED : Recovery.Kind.ROLLED_BACK;
                recoveries.add(new Recovery(
                        service.name(),
                        kind,
                        "followed the Swarm update an interrupted agent had sent: " + followed.reason(),
                        Optional.of(target.value())));
            } catch (SwarmApiException e) {
                recoveries.add(
                        Recovery.of(service.name(), Recovery.Kind.INCOMPLETE, "recovery failed: " + e.getMessage()));
            }
        }
        return List.copyOf(recoveries);
    }

    @Override
    public List<Recovery> recoverInterrupted() {
        return List.of();
    }

    @Override
    public boolean awaitingRecovery() {
        return false;
    }

    private static boolean updating(SwarmService s) {
        return s.updateStatus()
                .map(SwarmUpdateStatus::state)
                .filter(st -> st == SwarmUpdateStatus.State.UPDATING || st == SwarmUpdateStatus.State.ROLLBACK_STARTED)
                .isPresent();
    }

    private static long desired(SwarmService s, List<SwarmTask> tasks) {
        return s.replicas().isPresent()
                ? s.replicas().getAsLong()
                : tasks.stream().filter(t -> "running".equals(t.desiredState())).count();
    }

    private static Optional<SwarmRegistryAuth> auth(RegistryConfig registry) {
        if (!registry.hasCredentials()) {
            return Optional.empty();
        }
        return Optional.of(new SwarmRegistryAuth(
                registry.host(),
                registry.username().orElseThrow(),
                registry.password().orElseThrow().reveal()));
    }
}
