package io.redeploy.agent.traffic;

import java.time.Duration;
import java.util.Optional;

/**
 * What a start-first deploy drives in front of a service: where new connections or requests go, and the draining of
 * the ones still running on the previous container. Implemented by the agent's own forwarder ({@code proxy:}) and by
 * the reverse proxies of {@code traffic:} (Caddy's admin API, HAProxy's runtime API). A reverse proxy's failure is a
 * {@link TrafficSwitchException}.
 */
public interface TrafficSwitch {

    /**
     * Sends every connection accepted from now on to {@code target}; connections already open stay where they are.
     * Returns the target new connections went to before (empty when there was none). Pointing at the current target
     * again makes sure the proxy still runs it ({@link #ensure()}).
     */
    Optional<ForwardTarget> switchTo(ForwardTarget target);

    Optional<ForwardTarget> target();

    /**
     * Waits until no connection to {@code target} is open, at most {@code timeout}; returns how many are still
     * open (0 when drained).
     */
    int awaitDrained(ForwardTarget target, Duration timeout) throws InterruptedException;

    /**
     * Makes the proxy run the current target again when it lost it (a reverse proxy restarted or reloaded its own
     * config); returns true when something had to be written. The agent's own forwarder cannot lose it.
     */
    default boolean ensure() {
        return false;
    }
}
