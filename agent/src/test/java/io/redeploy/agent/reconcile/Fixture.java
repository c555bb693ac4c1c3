package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.registry.DigestSource;
import io.redeploy.agent.registry.ImageConfigSource;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.registry.TagNotFoundException;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reconciler over fakes of its ports: a registry that answers from a map (a digest or an exception per service
 * name), a {@link FakeTarget}, a real state file, and notifications recorded as short strings.
 */
final class Fixture implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final ExecutorService executor = Executors.newFixedThreadPool(4);
    /** Service name to a {@link Digest} or a {@link RegistryException}. */
    final Map<String, Object> registry = new HashMap<>();

    final List<String> registryCalls = new CopyOnWriteArrayList<>();
    final FakeTarget target = new FakeTarget();
    final List<String> events = new ArrayList<>();
    final List<Digest> signatureChecks = new ArrayList<>();
    final List<Digest> factsFetched = new ArrayList<>();
    SignatureCheck.Result signature = new SignatureCheck.Result(SignatureCheck.Result.Kind.VERIFIED, "cosign.pub");
    Object candidateFacts = ImageFacts.NONE; // an ImageFacts or a RegistryException
    StateStore state;
    AuditLog audit;
    final DeploysInFlight inFlight = new DeploysInFlight();
    private Recorder recorder;
    private final Path stateDir;

    Fixture(Path stateDir) {
        this.stateDir = stateDir;
    }

    Reconciler reconciler(ServiceConfig... services) {
        state = StateStore.open(stateDir, clock);
        DigestSource digests = image -> {
            String name = image.repository().substring(image.repository().lastIndexOf('/') + 1);
            registryCalls.add(name);
            Object answer = registry.get(name);
            if (answer instanceof RegistryException e) throw e;
            if (answer == null) throw new TagNotFoundException("tag not found: " + name);
            return (Digest) answer;
        };
        ImageConfigSource configs = (image, digest) -> {
            factsFetched.add(digest);
            if (candidateFacts instanceof RegistryException e) throw e;
            return (ImageFacts) candidateFacts;
        };
        SignatureCheck signatures = (service, digest) -> {
            signatureChecks.add(digest);
            return signature;
        };
        Observer observer = new Observer(digests, configs, signatures, target, state, executor, clock);
        audit = AuditLog.open(stateDir);
        recorder = new Recorder(state, audit, new AgentMetrics(clock), new RecordingEvents(events), clock);
        return new Reconciler(
                List.of(services),
                observer,
                target,
                recorder,
                image -> RegistryConfig.anonymous(image.registry()),
                clock,
                inFlight);
    }

    /** The operator's actions on the services of the last {@link #reconciler}, sharing its state and recorder. */
    OperatorActions actions(ServiceConfig... services) {
        return new OperatorActions(
                List.of(services),
                state,
                audit,
                recorder,
                target,
                image -> RegistryConfig.anonymous(image.registry()),
                inFlight,
                clock);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    static ServiceConfig service(String name) {
        return service(name, UpdateMode.AUTO, List.of(), false, UpdatePolicy.defaults());
    }

    static ServiceConfig service(
            String name,
            UpdateMode mode,
            List<String> dependsOn,
            boolean restartOnDependencyUpdate,
            UpdatePolicy policy) {
        return ServiceConfig.builder(name, ImageRef.parse("127.0.0.1:5000/acme/" + name, "main"))
                .mode(mode)
                .dependsOn(dependsOn)
                .restartOnDependencyUpdate(restartOnDependencyUpdate)
                .stopTimeout(Duration.ofSeconds(10))
                .restartPolicy("unless-stopped")
                .policy(policy)
                .build();
    }

    /** Notifications as "new <digest> deploy=<bool>", "finished <OUTCOME>", "degraded <reason>", "healthy". */
    private record RecordingEvents(List<String> events) implements PollEvents {
        @Override
        public void newDigest(ServiceConfig service, Digest digest, boolean willDeploy) {
            events.add("new " + digest.shortForm() + " deploy=" + willDeploy);
        }

        @Override
        public void deployFinished(ServiceConfig service, DeployResult result) {
            events.add("finished " + result.outcome());
        }

        @Override
        public void degraded(String reason) {
            events.add("degraded " + reason);
        }

        @Override
        public void healthy() {
            events.add("healthy");
        }

        @Override
        public void serviceDown(ServiceConfig service, String why) {
            events.add("down " + service.name() + " " + why);
        }

        @Override
        public void serviceUp(ServiceConfig service) {
            events.add("up " + service.name());
        }

        @Override
        public void operatorAction(
                ServiceConfig service,
                String event,
                java.util.Optional<String> from,
                java.util.Optional<String> to,
                String message) {
            events.add(event + " " + service.name());
        }
    }
}
