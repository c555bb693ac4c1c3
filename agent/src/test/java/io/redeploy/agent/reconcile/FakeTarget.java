package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.reconcile.DeployResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory deploy target: what runs, and how a deploy of a given digest ends. */
final class FakeTarget implements DeployTarget {
    final Map<String, Digest> running = new HashMap<>();
    final Map<String, ImageFacts> facts = new HashMap<>();
    final Map<Digest, Outcome> outcomes = new HashMap<>();
    final Map<Digest, String> reasons = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final Set<Digest> engineLostOn = new HashSet<>();
    final List<Recovery> recoveries = new ArrayList<>();
    final List<Recovery> startRecoveries = new ArrayList<>();
    /** Services whose container exists but does not run, with what it does instead. */
    final Map<String, String> stopped = new HashMap<>();

    boolean dockerDown;

    List<String> deploys() {
        return calls.stream().filter(c -> c.startsWith("deploy")).toList();
    }

    @Override
    public void ping() {
        if (dockerDown) throw new IllegalStateException("Cannot connect to the Docker daemon");
    }

    @Override
    public Workload observe(ServiceConfig service) {
        calls.add("inspect " + service.name());
        Digest d = running.get(service.name());
        return d == null
                ? Workload.absent(service.name())
                : new Workload(
                        service.name(),
                        Optional.of("id-" + service.name()),
                        Optional.of("img"),
                        Set.of(d),
                        !stopped.containsKey(service.name()),
                        true,
                        Optional.empty(),
                        Optional.ofNullable(facts.get(service.name())),
                        stopped.getOrDefault(service.name(), "running"));
    }

    @Override
    public DeployResult deploy(ServiceConfig service, Digest target, RegistryConfig registry) {
        calls.add("deploy " + service.name() + " " + target.shortForm());
        Optional<Digest> from = Optional.ofNullable(running.get(service.name()));
        Outcome outcome = outcomes.getOrDefault(target, Outcome.DEPLOYED);
        if (outcome == Outcome.DEPLOYED) {
            running.put(service.name(), target);
            stopped.remove(service.name());
        }
        String reason = reasons.getOrDefault(
                target,
                outcome == Outcome.FAILED
                        ? "pull failed: connection reset"
                        : outcome == Outcome.ROLLED_BACK ? "health failed" : "deployed");
        return new DeployResult(
                service.name(), from, target, outcome, reason, Duration.ofSeconds(1), engineLostOn.contains(target));
    }

    @Override
    public boolean revive(ServiceConfig service) {
        calls.add("revive " + service.name());
        return stopped.remove(service.name()) != null;
    }

    @Override
    public boolean restart(ServiceConfig service) {
        calls.add("restart " + service.name());
        return true;
    }

    @Override
    public void restartDue(ServiceConfig service) {
        calls.add("restart due " + service.name());
    }

    @Override
    public List<Recovery> recover(List<ServiceConfig> services) {
        return List.copyOf(startRecoveries);
    }

    @Override
    public List<Recovery> recoverInterrupted() {
        if (!recoveries.isEmpty()) calls.add("recover");
        List<Recovery> done = List.copyOf(recoveries);
        recoveries.clear();
        return done;
    }

    @Override
    public boolean awaitingRecovery() {
        return false;
    }
}
