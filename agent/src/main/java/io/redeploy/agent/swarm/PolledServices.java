package io.redeploy.agent.swarm;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.swarm.NotASwarmManagerException;
import io.redeploy.agent.docker.swarm.SwarmControl;
import io.redeploy.agent.docker.swarm.SwarmService;
import io.redeploy.agent.reconcile.UnresolvedServiceException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one poll knows of the swarm, so that a poll with nothing to do costs one {@code GET /info} (at the ping) and
 * one inspect per service (at resolve; observe takes that answer instead of asking again). A deploy inspects afresh:
 * the update must carry the service's current version index.
 */
final class PolledServices {
    private final SwarmControl swarm;
    /** Why the engine cannot update services, as the last ping found; empty while it is a manager. */
    private volatile Optional<String> notManager = Optional.empty();

    private volatile boolean pinged;
    /** Services inspected by this poll's resolve, by configured name; taken by observe. */
    private final Map<String, SwarmService> inspected = new ConcurrentHashMap<>();

    PolledServices(SwarmControl swarm) {
        this.swarm = swarm;
    }

    /**
     * A new poll: asks the engine for its swarm role. Throws when the engine does not answer; a worker or a node
     * outside any swarm is not an unreachable engine: each service then says why it cannot be resolved.
     */
    void ping() {
        inspected.clear();
        try {
            swarm.requireManager();
            notManager = Optional.empty();
        } catch (NotASwarmManagerException e) {
            notManager = Optional.of(e.getMessage());
        }
        pinged = true;
    }

    /** The service for this poll (kept for {@link #take}); one clear line when it cannot be updated here. */
    SwarmService resolve(ServiceConfig service) {
        SwarmService found = inspect(service);
        inspected.put(service.name(), found);
        return found;
    }

    /** What this poll's resolve saw of the service, else a fresh look; empty when it does not exist. */
    Optional<SwarmService> take(ServiceConfig service) {
        SwarmService seen = inspected.remove(service.name());
        return seen != null ? Optional.of(seen) : swarm.inspectService(swarmName(service));
    }

    /** The service as it is now, on a manager; throws {@link UnresolvedServiceException} saying why not. */
    SwarmService inspect(ServiceConfig service) {
        inspected.remove(service.name());
        if (!pinged) {
            ping(); // resolved before any poll's ping (a one-off use): the role is asked here once
        }
        if (notManager.isPresent()) {
            throw new UnresolvedServiceException(notManager.get());
        }
        String name = swarmName(service);
        return swarm.inspectService(name)
                .orElseThrow(() -> new UnresolvedServiceException("Swarm service " + name
                        + " does not exist on this swarm (docker service ls); fix services." + service.name()
                        + ".swarm_service"));
    }

    static String swarmName(ServiceConfig service) {
        return service.swarmService().orElse(service.name());
    }
}
