package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.log.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll, the agent's use case: observe (registry digests, what runs, what the agent remembers), plan (the pure
 * {@link Planner}, one service at a time in dependency order, so a dependency that failed in this poll holds its
 * dependents back), execute (through the {@link DeployTarget}) and record (the {@link Recorder}). Dependents that
 * follow a recreated dependency are restarted last. Not thread-safe by design: the scheduler never runs two polls at
 * once.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Set<Decision.Kind> NOT_NEW =
            EnumSet.of(Decision.Kind.UNCHANGED, Decision.Kind.NOT_CHECKED, Decision.Kind.SKIP_FAILED);

    private final List<ServiceConfig> orderedServices;
    private final Observer observer;
    private final Planner planner = new Planner();
    private final DeployTarget target;
    private final Recorder recorder;
    private final Function<ImageRef, RegistryConfig> registries;
    private final Clock clock;
    private final DeploysInFlight inFlight;
    /** Set by SIGTERM: a deploy in flight finishes, but no new one starts. */
    private volatile boolean stopRequested;

    /**
     * @param orderedServices the watched services, dependencies first
     * @param registries      the credentials a pull of each image uses
     * @param inFlight        where the deploy running now is marked, so that an operator's rollback of it is refused
     */
    public Reconciler(
            List<ServiceConfig> orderedServices,
            Observer observer,
            DeployTarget target,
            Recorder recorder,
            Function<ImageRef, RegistryConfig> registries,
            Clock clock,
            DeploysInFlight inFlight) {
        this.inFlight = inFlight;
        this.orderedServices = List.copyOf(orderedServices);
        this.observer = observer;
        this.target = target;
        this.recorder = recorder;
        this.registries = registries;
        this.clock = clock;
    }

    /** What one poll did, for tests and the trigger's answer. */
    public record Report(
            List<Decision> decisions, List<DeployResult> deploys, List<String> restarted, int registryErrors) {}

    /**
     * What is wrong now, one line each, for {@code /healthz}: services that are down, registries that reject the
     * agent's credentials.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(recorder.problems());
        problems.addAll(observer.problems());
        return List.copyOf(problems);
    }

    /** An operator asked for a poll: registries backed off for rejected credentials are asked again. */
    public void forgetBackoff() {
        observer.forgetBackoff();
    }

    /** After this, the poll in flight (if any) starts no further deploy; the one running finishes. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * At start-up, before the first poll: heals what a killed agent left half done and records it. False while the
     * target does not answer (the next poll tries again).
     */
    public boolean recoverAtStart() {
        try {
            target.ping();
        } catch (RuntimeException e) {
            Event.warn(log, "recover.deferred")
                    .reason("docker unavailable: " + e.getMessage())
                    .log();
            return false;
        }
        // Followed services are healed under their configured names; their image is not needed for that.
        List<Recovery> recoveries = target.recover(orderedServices);
        recorder.recovered(recoveries);
        // A deploy that recovery finished recreated its service: its dependents are restarted as after any deploy.
        restartDependents(recoveries.stream()
                .filter(r -> r.kind() == Recovery.Kind.FINISHED && r.digest().isPresent())
                .map(Recovery::service)
                .collect(java.util.stream.Collectors.toSet()));
        return true;
    }

    /** Polls every service, or only {@code only} (a manual trigger for one service). */
    public Report run(Optional<String> only) {
        return recorder.poll(() -> poll(only));
    }

    private Report poll(Optional<String> only) {
        Instant started = clock.instant();
        List<ServiceConfig> services = only.map(name -> orderedServices.stream()
                        .filter(s -> s.name().equals(name))
                        .toList())
                .orElse(orderedServices);
        Optional<String> unreachable = unreachable();
        if (unreachable.isPresent()) {
            // Without Docker nothing can be compared or changed: skip the registry too, try again next poll.
            recorder.unreachable(services, unreachable.get());
            recorder.pollSkipped(Duration.between(started, clock.instant()));
            return new Report(List.of(), List.of(), List.of(), 0);
        }
        recorder.reachable();
        // Before anything is looked at: a deploy the engine cut short may have left the old container aside.
        recorder.recovered(target.recoverInterrupted());
        List<Observer.Seen> observed = observer.observe(services);
        int registryErrors = (int) observed.stream()
                .filter(s -> s.observation().registryDigest().isEmpty())
                .count();

        List<Decision> decisions = new ArrayList<>();
        List<DeployResult> deploys = new ArrayList<>();
        Set<String> recreated = new HashSet<>();
        Set<String> failed = new HashSet<>();
        for (Observer.Seen seen : observed) {
            ServiceConfig service = seen.service();
            Decision decision = decide(service, seen.observation(), failed);
            decisions.add(decision);
            recorder.decided(decision);
            Optional<DeployResult> result = execute(decision);
            result.ifPresent(deploys::add);
            boolean revived = decision.kind() == Decision.Kind.REVIVE && target.revive(service);
            boolean upNow = revived || result.filter(DeployResult::succeeded).isPresent();
            seen.observation().workload().ifPresent(w -> recorder.health(service, upNow ? Optional.empty() : down(w)));
            if (decision.blocksDependents()
                    || result.filter(r -> !r.succeeded()).isPresent()) {
                failed.add(service.name());
            } else if (result.isPresent()) {
                recreated.add(service.name());
            }
        }
        List<String> restarted = restartDependents(recreated);
        long changed =
                decisions.stream().filter(d -> !NOT_NEW.contains(d.kind())).count();
        recorder.pollDone(
                services.size(),
                changed,
                recreated.size(),
                failed.size(),
                registryErrors,
                Duration.between(started, clock.instant()));
        return new Report(decisions, deploys, restarted, registryErrors);
    }

    /** The planner's decision, with the inputs it asks for (a signature, the new image's facts) fetched on demand. */
    private Decision decide(ServiceConfig service, Observation seen, Set<String> failedThisPoll) {
        Planner.Context context = new Planner.Context(clock.instant(), stopRequested, failedThisPoll);
        Decision decision = planner.decide(service, seen, context);
        while (decision.needsInput()) {
            seen = observer.complete(service, seen, decision);
            decision = planner.decide(service, seen, context);
        }
        if (decision.kind() == Decision.Kind.DEPLOY) {
            Digest target = decision.target().orElseThrow();
            seen.signature()
                    .filter(s -> s.kind() == SignatureCheck.Result.Kind.VERIFIED)
                    .ifPresent(s -> recorder.verified(service, target, s.detail()));
        }
        return decision;
    }

    /** What the service does instead of running; empty when it runs. */
    private static Optional<String> down(Workload workload) {
        if (workload.running()) {
            return Optional.empty();
        }
        return Optional.of(workload.exists() ? workload.status() : "missing");
    }

    /** A deploy for {@link Decision.Kind#DEPLOY}, the refusal recorded as a deploy for a refused digest. */
    private Optional<DeployResult> execute(Decision decision) {
        if (decision.refused()) {
            DeployResult refusal = decision.refusal();
            recorder.deployed(decision, refusal);
            return Optional.of(refusal);
        }
        if (decision.kind() != Decision.Kind.DEPLOY) {
            return Optional.empty();
        }
        ServiceConfig service = decision.service();
        DeployResult result;
        inFlight.deploying(service.name());
        try {
            result = target.deploy(service, decision.target().orElseThrow(), registries.apply(service.image()));
        } finally {
            inFlight.done(service.name());
        }
        recorder.deployed(decision, result);
        return Optional.of(result);
    }

    private Optional<String> unreachable() {
        try {
            target.ping();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** Services marked restart_on_dependency_update whose dependency was recreated, and that were not recreated. */
    private List<String> restartDependents(Set<String> recreated) {
        List<ServiceConfig> due = orderedServices.stream()
                .filter(service -> service.restartOnDependencyUpdate()
                        && service.dependsOn().stream().anyMatch(recreated::contains)
                        && !recreated.contains(service.name()))
                .toList();
        // All journaled before the first begins: a kill during one restart must not lose the ones after it.
        due.forEach(target::restartDue);
        List<String> restarted = new ArrayList<>();
        for (ServiceConfig service : due) {
            // The target logs the restart (event=deploy.restart) or why it could not.
            try {
                if (target.restart(service)) {
                    restarted.add(service.name());
                }
            } catch (RuntimeException e) {
                Event.error(log, "deploy.restart_failed")
                        .with("service", service.name())
                        .reason(e.getMessage())
                        .log();
            }
        }
        return restarted;
    }
}
