package io.redeploy.agent.proxy;

import java.time.Duration;
import java.util.Optional;

/** The part of a service's agent-owned port that a deploy drives: where new connections go, and the draining of old ones. */
public interface TrafficSwitch {

    /**
     * Sends every connection accepted from now on to {@code target}; connections already open stay where they are.
     * Returns the target new connections went to before (empty when there was none).
     */
    Optional<ForwardTarget> switchTo(ForwardTarget target);

    Optional<ForwardTarget> target();

    /**
     * Waits until no connection to {@code target} is open, at most {@code timeout}; returns how many are still
     * open (0 when drained).
     */
    int awaitDrained(ForwardTarget target, Duration timeout) throws InterruptedException;
}
