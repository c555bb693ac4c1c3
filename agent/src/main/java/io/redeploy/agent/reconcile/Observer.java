package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.registry.CredentialsRejectedException;
import io.redeploy.agent.registry.DigestSource;
import io.redeploy.agent.registry.ImageConfigSource;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.state.ServiceState;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The observe step of a poll: the registry's digest of every watched tag (in parallel, bounded by the executor),
 * what runs (the deploy target), what the agent remembers (failed digests, the cooldown clock); and, only when the
 * planner asks, a digest's signature check and the new image's facts. A failure of one service never stops the others:
 * it becomes that service's check error, logged here once.
 */
public final class Observer {
    private static final Logger log = LoggerFactory.getLogger(Observer.class);

    private final DigestSource registry;
    private final ImageConfigSource imageConfigs;
    private final SignatureCheck signatures;
    private final DeployTarget target;
    private final StateStore state;
    private final DigestAges ages;
    private final RegistryBackoff backoff;
    private final ExecutorService registryExecutor;
    private final Clock clock;
    /** The last reason each unresolved service gave: a lasting problem is logged when it starts, changes or ends. */
    private final Map<String, String> unresolved = new java.util.concurrent.ConcurrentHashMap<>();

    public Observer(
            DigestSource registry,
            ImageConfigSource imageConfigs,
            SignatureCheck signatures,
            DeployTarget target,
            StateStore state,
            ExecutorService registryExecutor,
            Clock clock) {
        this.registry = registry;
        this.imageConfigs = imageConfigs;
        this.signatures = signatures;
        this.target = target;
        this.state = state;
        this.ages = new DigestAges();
        this.backoff = new RegistryBackoff(clock);
        this.registryExecutor = registryExecutor;
        this.clock = clock;
    }

    /** A service as this poll resolved it (the image a followed service runs), and what was seen of it. */
    public record Seen(ServiceConfig service, Observation observation) {}

    /**
     * One observation per service, in the given order. A service that follows what runs is resolved first (its image
     * read from the container or Swarm service); one that cannot be is seen as unchecked, with the reason.
     */
    public List<Seen> observe(List<ServiceConfig> services) {
        List<Seen> resolved = services.stream().map(this::resolve).toList();
        Map<String, Future<Lookup>> lookups = new LinkedHashMap<>();
        for (Seen r : resolved) {
            if (r.observation() == null) {
                lookups.put(r.service().name(), registryExecutor.submit(() -> lookUp(r.service())));
            }
        }
        List<Seen> seen = new ArrayList<>();
        for (Seen r : resolved) {
            Future<Lookup> lookup = lookups.get(r.service().name());
            seen.add(lookup == null ? r : new Seen(r.service(), observe(r.service(), await(lookup, r.service()))));
        }
        return seen;
    }

    /** The resolved service with no observation yet, or the service seen as unchecked because it cannot be resolved. */
    private Seen resolve(ServiceConfig service) {
        String problem;
        try {
            Seen seen = new Seen(target.resolve(service), null);
            if (unresolved.remove(service.name()) != null) {
                Event.info(log, "service.resolved")
                        .with("service", service.name())
                        .log();
            }
            return seen;
        } catch (UnresolvedServiceException e) {
            problem = e.getMessage();
        } catch (RuntimeException e) {
            problem = "docker: " + e.getMessage();
        }
        if (!problem.equals(unresolved.put(service.name(), problem))) {
            Event.warn(log, "service.unresolved")
                    .with("service", service.name())
                    .reason(problem)
                    .log();
        }
        return new Seen(service, Observation.unchecked(problem));
    }

    /** The observation with the input a {@link Decision#needsInput()} decision asks for. */
    public Observation complete(ServiceConfig service, Observation seen, Decision needing) {
        Digest digest = needing.target().orElseThrow();
        return switch (needing.kind()) {
            case NEEDS_SIGNATURE -> seen.withSignature(signatures.check(service, digest));
            case NEEDS_CANDIDATE -> seen.withCandidate(candidate(service, digest));
            default -> seen;
        };
    }

    private Observation observe(ServiceConfig service, Lookup lookup) {
        lookup.digest().ifPresent(d -> ages.observe(service.name(), d, clock.instant()));
        Workload workload;
        try {
            workload = target.observe(service);
        } catch (RuntimeException e) {
            Event.warn(log, "docker.error")
                    .with("service", service.name())
                    .reason(e.getMessage())
                    .log();
            return Observation.unchecked("docker: " + e.getMessage());
        }
        ServiceState remembered = state.get(service.name());
        Set<Digest> failed = remembered.failedDigests().stream()
                .filter(Digest::isValid)
                .map(Digest::parse)
                .collect(Collectors.toSet());
        return new Observation(
                lookup.digest(),
                lookup.error(),
                Optional.of(workload),
                failed,
                lookup.digest().flatMap(d -> ages.since(service.name(), d)),
                Optional.empty(),
                Optional.empty(),
                remembered.hold(),
                remembered.approval());
    }

    private Observation.Candidate candidate(ServiceConfig service, Digest digest) {
        try {
            return Observation.Candidate.of(imageConfigs.imageFacts(service.image(), digest));
        } catch (RegistryException e) {
            return Observation.Candidate.unknown("the new image's config could not be read: " + e.getMessage());
        }
    }

    private record Lookup(Optional<Digest> digest, Optional<String> error) {}

    /** Registries that reject the credentials: asked again at the next poll, not after the backoff. */
    void forgetBackoff() {
        backoff.forget();
    }

    List<String> problems() {
        return backoff.problems();
    }

    /** Never throws: a failure of one image must not stop the others. */
    private Lookup lookUp(ServiceConfig service) {
        String host = service.image().registry();
        Optional<String> held = backoff.holdsBack(host);
        if (held.isPresent()) {
            return new Lookup(Optional.empty(), held);
        }
        try {
            Digest digest = registry.digestOf(service.image());
            backoff.accepted(host);
            Event.debug(log, "registry.digest")
                    .with("service", service.name())
                    .with("image", service.image())
                    .digest("digest", digest)
                    .log();
            return new Lookup(Optional.of(digest), Optional.empty());
        } catch (CredentialsRejectedException e) {
            backoff.rejected(host, e.getMessage());
            return new Lookup(Optional.empty(), Optional.of(e.getMessage()));
        } catch (RegistryException e) {
            Event.warn(log, "registry.error")
                    .with("service", service.name())
                    .with("image", service.image())
                    .with("transient", e.isTransient())
                    .reason(e.getMessage())
                    .log();
            return new Lookup(Optional.empty(), Optional.of(e.getMessage()));
        } catch (RuntimeException e) {
            Event.error(log, "registry.error")
                    .with("service", service.name())
                    .with("image", service.image())
                    .reason(e.toString())
                    .log();
            return new Lookup(Optional.empty(), Optional.of(e.toString()));
        }
    }

    private Lookup await(Future<Lookup> lookup, ServiceConfig service) {
        try {
            return lookup.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup(Optional.empty(), Optional.of("interrupted"));
        } catch (ExecutionException e) {
            Event.error(log, "registry.error")
                    .with("service", service.name())
                    .reason(e.getCause().toString())
                    .log();
            return new Lookup(Optional.empty(), Optional.of(e.getCause().toString()));
        }
    }
}
