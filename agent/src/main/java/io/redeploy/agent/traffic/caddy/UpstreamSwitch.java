package io.redeploy.agent.traffic.caddy;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a service's new requests go, and the draining of the ones still running on the previous upstream. Shaped
 * like {@code proxy.TrafficSwitch} so that the two can be unified.
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
}
