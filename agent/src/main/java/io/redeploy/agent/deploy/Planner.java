package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.ServiceConfig.UpdateMode;
import io.redeploy.agent.image.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, without touching anything, what one poll should do: desired (registry digest) against
 * actual (the digests of the image the container runs) and memory (digests that already failed).
 * Pure, so every rule is a fast unit test.
 */
public final class Planner {

    /** What a poll learned about one service. {@code registryDigest} is empty when the registry could not answer. */
    public record Observation(
            Optional<Digest> registryDigest,
            boolean containerExists,
            Set<Digest> runningDigests,
            Set<Digest> failedDigests) {
        public Observation {
            runningDigests = Set.copyOf(runningDigests);
            failedDigests = Set.copyOf(failedDigests);
        }
    }

    public enum Action {
        /** Recreate the container on {@code target}. */
        DEPLOY,
        /** The container already runs the registry's digest. */
        UNCHANGED,
        /** A new digest exists but the service is monitor-only. */
        REPORT_ONLY,
        /** A new digest exists but it already failed its health gate once; wait for a newer build. */
        SKIP_FAILED,
        /** The registry did not answer: leave everything as it is. */
        SKIP_REGISTRY_ERROR
    }

    public record Decision(ServiceConfig service, Action action, Optional<Digest> target) {}

    /**
     * One decision per service, in the given order (callers pass services already in dependency order,
     * so DEPLOY decisions run dependencies first).
     */
    public List<Decision> plan(List<ServiceConfig> orderedServices, Map<String, Observation> observations) {
        List<Decision> decisions = new ArrayList<>();
        for (ServiceConfig service : orderedServices) {
            Observation seen = observations.get(service.name());
            if (seen != null) {
                decisions.add(decide(service, seen));
            }
        }
        return decisions;
    }

    Decision decide(ServiceConfig service, Observation seen) {
        if (seen.registryDigest().isEmpty()) {
            return new Decision(service, Action.SKIP_REGISTRY_ERROR, Optional.empty());
        }
        Digest target = seen.registryDigest().get();
        Action action;
        if (seen.containerExists() && seen.runningDigests().contains(target)) {
            action = Action.UNCHANGED;
        } else if (service.mode() == UpdateMode.MONITOR) {
            action = Action.REPORT_ONLY;
        } else if (seen.failedDigests().contains(target)) {
            action = Action.SKIP_FAILED;
        } else {
            action = Action.DEPLOY;
        }
        return new Decision(service, action, Optional.of(target));
    }
}
