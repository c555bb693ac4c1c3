package io.redeploy.agent.reconcile;

import java.util.HashSet;
import java.util.Set;

/**
 * The services a deploy is running or queued for: the poll's own deploys and operator rollbacks waiting for the poll
 * thread. An operator's rollback of a service in here is refused (409) rather than raced.
 */
public final class DeploysInFlight {
    private final Set<String> deploying = new HashSet<>();
    private final Set<String> queued = new HashSet<>();

    synchronized void deploying(String service) {
        deploying.add(service);
    }

    synchronized void done(String service) {
        deploying.remove(service);
    }

    /** Marks a rollback queued; false (nothing marked) when a deploy of the service runs or is queued already. */
    synchronized boolean queueIfIdle(String service) {
        return !deploying.contains(service) && queued.add(service);
    }

    synchronized void dequeue(String service) {
        queued.remove(service);
    }

    public synchronized boolean busy(String service) {
        return deploying.contains(service) || queued.contains(service);
    }
}
