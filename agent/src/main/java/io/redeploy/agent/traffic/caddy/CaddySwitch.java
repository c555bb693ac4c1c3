package io.redeploy.agent.traffic.caddy;

import com.fasterxml.jackson.databind.JsonNode;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's traffic switch in Caddy: owns the service's {@link CaddyRoute} and the upstreams the agent wants in it
 * (the current target, then the previous one while it may still drain).
 *
 * <p>A switch is one atomic config change. Caddy's config is the source of truth for what serves; this object keeps
 * what the agent wants, so that {@link #ensure()} (called every poll) can re-create the route after a Caddy restart
 * or {@code caddy reload} from a Caddyfile dropped it. Since every config change closes the WebSockets of every route
 * (see {@link CaddyAdmin}), nothing is written when Caddy already runs the wanted route.
 */
public final class CaddySwitch implements UpstreamSwitch {
    private static final Logger log = LoggerFactory.getLogger(CaddySwitch.class);
    public static final Duration DEFAULT_DRAIN_POLL = Duration.ofMillis(200);

    /** What {@link #ensure()} found and did. */
    public enum Outcome {
        /** Caddy runs the wanted route: nothing written. */
        UNCHANGED,
        /** The route was missing (Caddy restarted or reloaded its own config): inserted again. */
        CREATED,
        /** The route differed from the wanted one (edited by hand, or an older agent's): replaced. */
        REPLACED,
        /** The switch has no target yet: nothing to ensure. */
        NO_TARGET
    }

    private final CaddyAdmin admin;
    private final CaddyRoute route;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration drainPoll;
    /** The upstreams wanted in the route, the current target first; empty before the first switch. */
    private List<UpstreamTarget> upstreams = List.of();

    public CaddySwitch(CaddyAdmin admin, CaddyRoute route, Clock clock, Sleeper sleeper, Duration drainPoll) {
        this.admin = admin;
        this.route = route;
        this.clock = clock;
        this.sleeper = sleeper;
        this.drainPoll = drainPoll;
    }

    public CaddyRoute route() {
        return route;
    }

    /**
     * Takes over the upstreams Caddy runs for the route (an agent restarted while Caddy kept serving); returns the
     * current target, empty when the route is missing. Throws {@link CaddyAdminException} when Caddy cannot be asked.
     */
    @Override
    public synchronized Optional<UpstreamTarget> adopt() {
        List<UpstreamTarget> running = admin.upstreamDials(route).orElse(List.of()).stream()
                .map(UpstreamTarget::parse)
                .toList();
        upstreams = running;
        return current();
    }

    /**
     * Points the route at {@code target} in one config change (inserting the route when missing); the previous target
     * stays listed second so its running requests can be counted. Throws {@link CaddyAdminException} when Caddy is
     * unreachable or refuses the change; the switch then still reports the target Caddy still runs.
     */
    @Override
    public synchronized Optional<UpstreamTarget> switchTo(UpstreamTarget target) {
        Optional<UpstreamTarget> previous = current();
        List<UpstreamTarget> wanted;
        if (previous.isEmpty()) {
            wanted = List.of(target);
        } else if (previous.get().equals(target)) {
            wanted = upstreams;
        } else {
            wanted = List.of(target, previous.get());
        }
        apply(wanted);
        upstreams = wanted;
        SwitchedLine.logIfMoved(
                previous,
                target,
                () -> Event.info(log, "caddy.switched")
                        .with("service", route.service())
                        .with("route", route.id()));
        return previous;
    }

    @Override
    public synchronized Optional<UpstreamTarget> target() {
        return current();
    }

    /**
     * Makes Caddy run the wanted route again if it lost or changed it; writes nothing when it runs it already. Throws
     * {@link CaddyAdminException} when Caddy is unreachable or refuses.
     */
    public synchronized Outcome ensure() {
        if (upstreams.isEmpty()) {
            return Outcome.NO_TARGET;
        }
        Outcome outcome = apply(upstreams);
        if (outcome != Outcome.UNCHANGED) {
            Event.warn(log, "caddy.route_restored")
                    .with("service", route.service())
                    .with("route", route.id())
                    .with("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .with("upstreams", upstreams)
                    .log();
        }
        return outcome;
    }

    @Override
    public boolean restore() {
        Outcome outcome = ensure();
        return outcome == Outcome.CREATED || outcome == Outcome.REPLACED;
    }

    /**
     * Polls Caddy's running request count for {@code target} until it reads 0 on two polls in a row (a request just
     * accepted by Caddy is counted only once its proxy handler runs), at most {@code timeout}. An upstream Caddy does
     * not list has nothing running through it. A failed poll is tried again until the timeout, then thrown.
     */
    @Override
    public int awaitDrained(UpstreamTarget target, Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        int zeros = 0;
        int running = 0;
        while (true) {
            CaddyAdminException failure = null;
            try {
                running = admin.inFlightRequests().getOrDefault(target.dial(), 0);
                zeros = running == 0 ? zeros + 1 : 0;
                if (zeros >= 2) {
                    return 0;
                }
            } catch (CaddyAdminException e) {
                failure = e;
                zeros = 0;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                if (failure != null) {
                    throw failure;
                }
                Event.warn(log, "caddy.drain_timeout")
                        .with("service", route.service())
                        .with("upstream", target.dial())
                        .with("running", running)
                        .log();
                return running;
            }
            sleeper.sleep(left.compareTo(drainPoll) < 0 ? left : drainPoll);
        }
    }

    private Optional<UpstreamTarget> current() {
        return upstreams.isEmpty() ? Optional.empty() : Optional.of(upstreams.get(0));
    }

    private Outcome apply(List<UpstreamTarget> wanted) {
        Optional<JsonNode> running = admin.route(route);
        if (running.isEmpty()) {
            admin.insertRoute(route, wanted);
            Event.info(log, "caddy.route_created")
                    .with("service", route.service())
                    .with("route", route.id())
                    .with("server", route.server())
                    .with("upstreams", wanted)
                    .log();
            return Outcome.CREATED;
        }
        if (running.get().equals(route.json(wanted))) {
            return Outcome.UNCHANGED;
        }
        if (!admin.replaceRoute(route, wanted)) {
            admin.insertRoute(route, wanted); // removed between the read and the write
            return Outcome.CREATED;
        }
        return Outcome.REPLACED;
    }
}
