package io.redeploy.agent.traffic.caddy;

import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A reverse proxy's {@link UpstreamSwitch} (Caddy, HAProxy) as the {@link TrafficSwitch} a deploy drives. Before its
 * first change it adopts what the proxy runs, so that the first switch after an agent restart still lists, and
 * drains, the upstream that served. Pointing at the current target again only ensures that the proxy still runs it.
 * Failures are the proxy's own exceptions, both {@code TrafficSwitchException}s.
 */
public final class UpstreamTrafficSwitch implements TrafficSwitch {
    private final UpstreamSwitch upstream;
    /** The containers behind the targets of this run, so a previous target is reported with its container. */
    private final Map<UpstreamTarget, ForwardTarget> known = new HashMap<>();

    private boolean adopted;

    public UpstreamTrafficSwitch(UpstreamSwitch upstream) {
        this.upstream = upstream;
    }

    @Override
    public synchronized Optional<ForwardTarget> switchTo(ForwardTarget target) {
        adoptOnce();
        UpstreamTarget next = upstream(target);
        known.put(next, target);
        if (upstream.target().filter(next::equals).isPresent()) {
            upstream.restore();
            return Optional.of(target);
        }
        return upstream.switchTo(next).map(this::forward);
    }

    @Override
    public synchronized Optional<ForwardTarget> target() {
        return upstream.target().map(this::forward);
    }

    @Override
    public int awaitDrained(ForwardTarget target, Duration timeout) throws InterruptedException {
        return upstream.awaitDrained(upstream(target), timeout);
    }

    @Override
    public synchronized boolean ensure() {
        adoptOnce();
        return upstream.restore();
    }

    private void adoptOnce() {
        if (!adopted) {
            upstream.adopt();
            adopted = true;
        }
    }

    private ForwardTarget forward(UpstreamTarget target) {
        return known.getOrDefault(target, new ForwardTarget("", target.host(), target.port()));
    }

    private static UpstreamTarget upstream(ForwardTarget target) {
        return new UpstreamTarget(target.host(), target.port());
    }
}
