package io.redeploy.agent.traffic.caddy;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a service's new requests go in a reverse proxy that dials {@code host:port} upstreams, and the draining of the
 * ones still running on the previous upstream; driven by deploys through {@link UpstreamTrafficSwitch}.
 */
public interface UpstreamSwitch {

    /**
     * Sends every request that starts from now on to {@code target}; requests already running finish where they are.
     * Returns the target new requests went to before (empty when there was none).
     */
    Optional<UpstreamTarget> switchTo(UpstreamTarget target);

    Optional<UpstreamTarget> target();

    /**
     * Waits until no request to {@code target} is running, at most {@code timeout}; returns how many still run (0 when
     * drained).
     */
    int awaitDrained(UpstreamTarget target, Duration timeout) throws InterruptedException;

    /**
     * Takes over the upstreams the proxy runs (an agent restarted while the proxy kept serving), so the next switch
     * drains the one that served; returns the current target, empty when the proxy has none for the service.
     */
    Optional<UpstreamTarget> adopt();

    /**
     * Makes the proxy run the wanted upstreams again when it lost or changed them (restarted, reloaded); writes
     * nothing when it runs them. Returns true when something was written.
     */
    boolean restore();
}
