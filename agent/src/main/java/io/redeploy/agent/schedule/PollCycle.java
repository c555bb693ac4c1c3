package io.redeploy.agent.schedule;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.deploy.DeployResult;
import io.redeploy.agent.deploy.Planner;
import io.redeploy.agent.deploy.Planner.Action;
import io.redeploy.agent.deploy.Planner.Decision;
import io.redeploy.agent.deploy.Planner.Observation;
import io.redeploy.agent.deploy.Recovery;
import io.redeploy.agent.deploy.RunningService;
import io.redeploy.agent.deploy.ServiceRuntime;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.registry.DigestSource;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.signing.SignatureCheck;
import io.redeploy.agent.state.Check;
import io.redeploy.agent.state.DeployRecord;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll: ask the registry about every watched service (in parallel, bounded by the executor),
 * look at what runs, let the {@link Planner} decide, then deploy what changed in dependency order.
 * Not thread-safe by design: the scheduler never runs two polls at once.
 */
public final class PollCycle {
    private static final Logger log = LoggerFactory.getLogger(PollCycle.class);

    private final AgentConfig config;
    private final List<ServiceConfig> orderedServices;
    private final DigestSource registry;
    private final ServiceRuntime runtime;
    private final StateStore state;
    private final AgentMetrics metrics;
    private final ExecutorService registryExecutor;
    private final Clock clock;
    private final Planner planner = new Planner();
    private final PollEvents events;
    private final SignatureCheck signatures;
    private final io.redeploy.agent.policy.DigestAges digestAges = new io.redeploy.agent.policy.DigestAges();
    /** Why a service could not be checked in the poll in progress (registry or Docker; filled by the lookup threads). */
    private final Set<String> announced = new HashSet<>();
    /** Set by SIGTERM: a deploy in flight finishes, but no new one starts. */
    private volatile boolean stopRequested;

    private final Map<String, String> checkErrors = new java.util.concurrent.ConcurrentHashMap<>();

    public PollCycle(
            AgentConfig config,
            List<ServiceConfig> orderedServices,
            DigestSource registry,
            ServiceRuntime runtime,
            StateStore state,
            AgentMetrics metrics,
            ExecutorService registryExecutor,
            Clock clock) {
        this(config, orderedServices, registry, runtime, state, metrics, registryExecutor, clock, PollEvents.NONE);
    }

    /** @param events told about new digests, deploy outcomes and Docker outages (notifications) */
    public PollCycle(
            AgentConfig config,
            List<ServiceConfig> orderedServices,
            DigestSource registry,
            ServiceRuntime runtime,
            StateStore state,
            AgentMetrics metrics,
            ExecutorService registryExecutor,
            Clock clock,
            PollEvents events) {
        this(
                config,
                orderedServices,
                registry,
                runtime,
                state,
                metrics,
                registryExecutor,
                clock,
                events,
                SignatureCheck.NONE);
    }

    /** @param signatures asked before each deploy, before the pull, whether the new digest is signed as required */
    public PollCycle(
            AgentConfig config,
            List<ServiceConfig> orderedServices,
            DigestSource registry,
            ServiceRuntime runtime,
            StateStore state,
            AgentMetrics metrics,
            ExecutorService registryExecutor,
            Clock clock,
            PollEvents events,
            SignatureCheck signatures) {
        this.signatures = signatures;
        this.events = events;
        this.config = config;
        this.orderedServices = List.copyOf(orderedServices);
        this.registry = registry;
        this.runtime = runtime;
        this.state = state;
        this.metrics = metrics;
        this.registryExecutor = registryExecutor;
        this.clock = clock;
    }

    /** After this, the poll in flight (if any) starts no further deploy; the one running finishes. */
    public void requestStop() {
        stopRequested = true;
    }

    /** What one poll did, for tests and the trigger's answer. */
    public record Report(
            List<Decision> decisions, List<DeployResult> deploys, List<String> restarted, int registryErrors) {}

    /** Polls every service, or only {@code only} (a manual trigger for one service). */
    public Report run(Optional<String> only) {
        // One state write per poll for the check records, not one per service.
        return state.batchChecks(() -> poll(only));
    }

    private Report poll(Optional<String> only) {
        Instant started = clock.instant();
        metrics.pollStarted();
        List<ServiceConfig> services = only.map(name -> orderedServices.stream()
                        .filter(s -> s.name().equals(name))
                        .toList())
                .orElse(orderedServices);
        Optional<String> dockerDown = dockerProblem();
        if (dockerDown.isPresent()) {
            // Without Docker nothing can be compared or changed: skip the registry too, try again next poll.
            log.warn("event=poll.skipped reason=\"docker unavailable: {}\"", dockerDown.get());
            events.degraded("docker unavailable: " + dockerDown.get());
            services.forEach(s -> state.recordCheck(
                    s.name(),
                    s.image().toString(),
                    state.get(s.name()).runningDigest(),
                    state.get(s.name()).registryDigest(),
                    Check.error("docker unavailable: " + dockerDown.get())));
            metrics.pollFinished(Duration.between(started, clock.instant()), false);
            return new Report(List.of(), List.of(), List.of(), 0);
        }
        events.healthy();
        // Before anything is looked at: a deploy the engine cut short may have left the old container aside.
        recordRecoveries(runtime.recoverInterrupted());
        Map<String, Optional<Digest>> running = new LinkedHashMap<>();
        checkErrors.clear();
        Map<String, Observation> observations = observe(services, running);
        int registryErrors = (int) observations.values().stream()
                .filter(o -> o.registryDigest().isEmpty())
                .count();

        List<Decision> decisions = planner.plan(services, observations);
        List<DeployResult> deploys = new ArrayList<>();
        Set<String> recreated = new HashSet<>();
        Set<String> failed = new HashSet<>();
        for (Decision decision : decisions) {
            act(
                    decision,
                    running.getOrDefault(decision.service().name(), Optional.empty()),
                    deploys,
                    recreated,
                    failed);
        }
        List<String> restarted = restartDependents(recreated, decisions);

        Duration took = Duration.between(started, clock.instant());
        boolean ok = registryErrors == 0 && failed.isEmpty();
        metrics.pollFinished(took, ok);
        log.info(
                "event=poll.done services={} changed={} deployed={} failed={} registry_errors={} duration_ms={}",
                services.size(),
                decisions.stream()
                        .filter(d -> d.action() == Action.DEPLOY || d.action() == Action.REPORT_ONLY)
                        .count(),
                recreated.size(),
                failed.size(),
                registryErrors,
                took.toMillis());
        return new Report(decisions, deploys, restarted, registryErrors);
    }

    /**
     * A deploy recorded as rolled back or failed because the engine went away, and that recovery then finished (the
     * new container was healthy after all), is recorded again as deployed: /status and the failed digests tell the truth.
     */
    private void recordRecoveries(List<Recovery> recoveries) {
        for (Recovery recovery : recoveries) {
            Optional<DeployRecord> last = state.get(recovery.service()).lastDeploy();
            if (recovery.kind() != Recovery.Kind.FINISHED
                    || last.isEmpty()
                    || last.get().succeeded()
                    || !recovery.digest().equals(Optional.of(last.get().to()))) {
                continue;
            }
            DeployRecord interrupted = last.get();
            state.recordDeploy(
                    recovery.service(),
                    new DeployRecord(
                            interrupted.from(),
                            interrupted.to(),
                            interrupted.at(),
                            Duration.between(interrupted.at(), clock.instant()),
                            DeployRecord.DEPLOYED,
                            "finished once the Docker engine answered again: " + recovery.action()));
        }
    }

    private Optional<String> dockerProblem() {
        try {
            runtime.ping();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private Map<String, Observation> observe(
            List<ServiceConfig> services, Map<String, Optional<Digest>> runningDigests) {
        Map<String, Future<Optional<Digest>>> lookups = new LinkedHashMap<>();
        for (ServiceConfig service : services) {
            lookups.put(service.name(), registryExecutor.submit(() -> lookUp(service)));
        }
        Map<String, Observation> observations = new LinkedHashMap<>();
        for (ServiceConfig service : services) {
            Optional<Digest> registryDigest = await(lookups.get(service.name()), service);
            registryDigest.ifPresent(d -> digestAges.observe(service.name(), d, clock.instant()));
            RunningService running;
            try {
                running = runtime.inspect(service);
            } catch (RuntimeException e) {
                log.warn("event=docker.error service={} reason=\"{}\"", service.name(), e.getMessage());
                checkErrors.put(service.name(), "docker: " + e.getMessage());
                observations.put(service.name(), new Observation(Optional.empty(), false, Set.of(), Set.of()));
                continue;
            }
            runningDigests.put(service.name(), shownDigest(running, registryDigest));
            Set<Digest> failedDigests = state.get(service.name()).failedDigests().stream()
                    .filter(Digest::isValid)
                    .map(Digest::parse)
                    .collect(Collectors.toSet());
            observations.put(
                    service.name(),
                    new Observation(
                            registryDigest, running.containerId().isPresent(), running.repoDigests(), failedDigests));
        }
        return observations;
    }

    /** The running image's digest as operators should see it: the registry's one when it is among the RepoDigests. */
    private static Optional<Digest> shownDigest(RunningService running, Optional<Digest> registryDigest) {
        if (running.containerId().isEmpty()) {
            return Optional.empty();
        }
        return registryDigest
                .filter(running::runs)
                .or(() -> running.repoDigests().stream()
                        .sorted(java.util.Comparator.comparing(Digest::value))
                        .findFirst());
    }

    /** Never throws: a failure of one image must not stop the others. */
    private Optional<Digest> lookUp(ServiceConfig service) {
        try {
            Digest digest = registry.digestOf(service.image());
            log.debug(
                    "event=registry.digest service={} image={} digest={}",
                    service.name(),
                    service.image(),
                    digest.shortForm());
            return Optional.of(digest);
        } catch (RegistryException e) {
            log.warn(
                    "event=registry.error service={} image={} transient={} reason=\"{}\"",
                    service.name(),
                    service.image(),
                    e.isTransient(),
                    e.getMessage());
            checkErrors.put(service.name(), e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            log.error(
                    "event=registry.error service={} image={} reason=\"{}\"",
                    service.name(),
                    service.image(),
                    e.toString());
            checkErrors.put(service.name(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<Digest> await(Future<Optional<Digest>> lookup, ServiceConfig service) {
        try {
            return lookup.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            log.error(
                    "event=registry.error service={} reason=\"{}\"",
                    service.name(),
                    e.getCause().toString());
            return Optional.empty();
        }
    }

    private void act(
            Decision decision,
            Optional<Digest> running,
            List<DeployResult> deploys,
            Set<String> recreated,
            Set<String> failed) {
        ServiceConfig service = decision.service();
        String digest = decision.target().map(Digest::shortForm).orElse("-");
        switch (decision.action()) {
            case UNCHANGED -> {
                // INFO once per service per process, so an operator sees after start what each tag points at.
                if (announced.add(service.name())) {
                    log.info(
                            "event=registry.digest service={} image={} digest={} running=yes",
                            service.name(),
                            service.image(),
                            digest);
                } else {
                    log.debug(
                            "event=registry.digest service={} image={} digest={} running=yes",
                            service.name(),
                            service.image(),
                            digest);
                }
                check(decision, running, Check.UNCHANGED);
            }
            case REPORT_ONLY -> {
                log.info(
                        "event=digest.new service={} image={} digest={} action=report-only",
                        service.name(),
                        service.image(),
                        digest);
                check(decision, running, Check.NEW_DIGEST + " (monitor only)");
                events.newDigest(service, decision.target().orElseThrow(), false);
            }
            case SKIP_FAILED -> {
                log.debug(
                        "event=deploy.skipped service={} digest={} reason=\"failed before; waiting for a newer build\"",
                        service.name(),
                        digest);
                check(decision, running, Check.NEW_DIGEST + " (failed before, not retried)");
            }
            case SKIP_REGISTRY_ERROR ->
                check(
                        decision,
                        running,
                        Check.error(checkErrors.getOrDefault(service.name(), "registry did not answer")));
            case DEPLOY -> {
                if (stopRequested) {
                    log.info(
                            "event=deploy.deferred service={} digest={} reason=\"agent stopping; the next start deploys it\"",
                            service.name(),
                            digest);
                    check(decision, running, Check.NEW_DIGEST + " (deferred: agent stopping)");
                    return;
                }
                if (service.dependsOn().stream().anyMatch(failed::contains)) {
                    log.warn(
                            "event=deploy.postponed service={} digest={} reason=\"a dependency failed to deploy in this poll\"",
                            service.name(),
                            digest);
                    check(decision, running, Check.NEW_DIGEST + " (postponed: a dependency failed)");
                    return;
                }
                Optional<Duration> cooling = digestAges.remaining(
                        service.name(),
                        decision.target().orElseThrow(),
                        service.policy().cooldown(),
                        clock.instant());
                if (cooling.isEmpty() && !signatureAllows(decision, running, deploys)) {
                    failed.add(service.name()); // dependents wait for it, as for any refusal
                    return;
                }
                events.newDigest(service, decision.target().orElseThrow(), cooling.isEmpty());
                if (cooling.isPresent()) {
                    log.info(
                            "event=deploy.cooldown service={} digest={} remaining_s={}",
                            service.name(),
                            digest,
                            cooling.get().toSeconds());
                    check(
                            decision,
                            running,
                            Check.NEW_DIGEST + " (cooldown: deployed once unchanged for "
                                    + cooling.get().toSeconds() + "s more)");
                    return;
                }
                log.info(
                        "event=digest.new service={} image={} digest={} action=deploy",
                        service.name(),
                        service.image(),
                        digest);
                check(decision, running, Check.NEW_DIGEST);
                DeployResult result =
                        runtime.deploy(service, decision.target().orElseThrow(), config.registryFor(service.image()));
                deploys.add(result);
                if (result.outcome() == DeployResult.Outcome.SKIPPED) {
                    // "Not now" from a hook: no history entry per poll, the check says why.
                    check(decision, running, Check.NEW_DIGEST + " (skipped: " + result.reason() + ")");
                    failed.add(service.name()); // dependents wait for it
                    return;
                }
                events.deployFinished(service, result);
                state.recordDeploy(
                        service.name(),
                        new DeployRecord(
                                result.from().map(Digest::value).orElse(""),
                                result.to().value(),
                                clock.instant().minus(result.duration()),
                                result.duration(),
                                result.outcome().name().toLowerCase(Locale.ROOT),
                                result.reason()));
                if (result.worthRetrying()) {
                    state.unmarkFailed(service.name(), result.to().value());
                }
                metrics.deployFinished(
                        service.name(), result.outcome().name().toLowerCase(Locale.ROOT), result.duration());
                if (result.outcome() == DeployResult.Outcome.DEPLOYED) {
                    recreated.add(service.name());
                } else {
                    failed.add(service.name());
                }
            }
        }
    }

    /**
     * The signature check, before the pull: true when the digest may be deployed. A fresh refusal is reported like
     * a policy refusal (WARN line, a {@code refused} deploy record, a {@code deploy.refused} notification) but the
     * digest is not marked failed: {@link SignatureCheck} re-checks it cheaply and a signature pushed later lets it
     * through. A registry failure is a check error, tried again at the next poll.
     */
    private boolean signatureAllows(Decision decision, Optional<Digest> running, List<DeployResult> deploys) {
        ServiceConfig service = decision.service();
        Digest target = decision.target().orElseThrow();
        SignatureCheck.Result signature = signatures.check(service, target);
        String detail = signature.detail().replace('"', '\'');
        switch (signature.kind()) {
            case NOT_REQUIRED -> {}
            case VERIFIED ->
                log.info(
                        "event=signature.verified service={} digest={} key={}",
                        service.name(),
                        target.shortForm(),
                        detail);
            case UNAVAILABLE -> {
                log.warn(
                        "event=signature.error service={} digest={} reason=\"{}\"",
                        service.name(),
                        target.shortForm(),
                        detail);
                check(decision, running, Check.error("signature check: " + detail));
            }
            case STILL_REFUSED -> {
                log.debug(
                        "event=deploy.refused service={} digest={} reason=\"signature: {}\" repeated=true",
                        service.name(),
                        target.shortForm(),
                        detail);
                check(
                        decision,
                        running,
                        Check.NEW_DIGEST + " (refused: signature; checked again when its .sig tag changes)");
            }
            case REFUSED -> {
                String reason = "signature: " + detail;
                log.warn(
                        "event=deploy.refused service={} digest={} reason=\"{}\"",
                        service.name(),
                        target.shortForm(),
                        reason);
                check(decision, running, Check.NEW_DIGEST + " (refused: signature)");
                DeployResult result = new DeployResult(
                        service.name(), running, target, DeployResult.Outcome.REFUSED, reason, Duration.ZERO);
                deploys.add(result);
                events.deployFinished(service, result);
                state.recordDeploy(
                        service.name(),
                        new DeployRecord(
                                running.map(Digest::value).orElse(""),
                                target.value(),
                                clock.instant(),
                                Duration.ZERO,
                                "refused",
                                reason));
                state.unmarkFailed(service.name(), target.value()); // re-checked by the signature check, not skipped
                metrics.deployFinished(service.name(), "refused", Duration.ZERO);
            }
        }
        return signature.allowsDeploy();
    }

    private void check(Decision decision, Optional<Digest> running, String result) {
        ServiceConfig service = decision.service();
        state.recordCheck(
                service.name(),
                service.image().toString(),
                running.map(Digest::value),
                decision.target().map(Digest::value),
                result);
    }

    /** Services marked restart_on_dependency_update whose dependency was recreated, and that were not recreated themselves. */
    private List<String> restartDependents(Set<String> recreated, List<Decision> decisions) {
        List<String> restarted = new ArrayList<>();
        if (recreated.isEmpty()) {
            return restarted;
        }
        for (ServiceConfig service : orderedServices) {
            boolean dependencyRecreated = service.dependsOn().stream().anyMatch(recreated::contains);
            if (service.restartOnDependencyUpdate() && dependencyRecreated && !recreated.contains(service.name())) {
                // The deployer logs the restart (event=deploy.restart) or why it could not.
                try {
                    if (runtime.restart(service)) {
                        restarted.add(service.name());
                    }
                } catch (RuntimeException e) {
                    log.error("event=deploy.restart_failed service={} reason=\"{}\"", service.name(), e.getMessage());
                }
            }
        }
        return restarted;
    }
}
