package io.redeploy.agent.traffic.haproxy;

import io.redeploy.agent.log.Event;
import io.redeploy.agent.time.Sleeper;
import io.redeploy.agent.traffic.caddy.SwitchedLine;
import io.redeploy.agent.traffic.caddy.UpstreamSwitch;
import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's traffic switch in HAProxy, through its runtime API only (no reload): the service's backend has two
 * server slots (e.g. {@code server blue 127.0.0.1:1 disabled} and {@code server green 127.0.0.1:1 disabled} in the
 * config file). A switch points the idle slot at the new target, makes it {@code ready}, then sets the serving slot to
 * {@code drain}: new requests go to the new slot, open connections (WebSockets included) stay on the old one, whose
 * sessions are counted until drained, and which is then put in maintenance. The new slot is ready before the old one
 * drains, so there is never a moment without a server.
 *
 * <p>HAProxy forgets runtime changes when it restarts or reloads; {@link #ensure()} (every poll) puts the wanted target
 * back.
 */
public final class HaproxySwitch implements UpstreamSwitch {
    private static final Logger log = LoggerFactory.getLogger(HaproxySwitch.class);

    /** What {@link #ensure()} found and did. */
    public enum Outcome {
        UNCHANGED,
        RESTORED,
        NO_TARGET
    }

    private final HaproxyRuntime runtime;
    private final String service;
    private final String backend;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration drainPoll;
    private final String serverPrefix;
    private UpstreamTarget wanted;

    public HaproxySwitch(
            HaproxyRuntime runtime, String service, String backend, Clock clock, Sleeper sleeper, Duration drainPoll) {
        this(runtime, service, backend, "", clock, sleeper, drainPoll);
    }

    /** @param serverPrefix only the backend's servers whose names start with it are the service's slots */
    public HaproxySwitch(
            HaproxyRuntime runtime,
            String service,
            String backend,
            String serverPrefix,
            Clock clock,
            Sleeper sleeper,
            Duration drainPoll) {
        this.serverPrefix = serverPrefix;
        this.runtime = runtime;
        this.service = service;
        this.backend = backend;
        this.clock = clock;
        this.sleeper = sleeper;
        this.drainPoll = drainPoll;
    }

    /** Takes over the target HAProxy serves (an agent restart); empty when no slot is active. */
    @Override
    public synchronized Optional<UpstreamTarget> adopt() {
        Optional<UpstreamTarget> serving = active(slots());
        wanted = serving.orElse(null);
        return serving;
    }

    @Override
    public synchronized Optional<UpstreamTarget> switchTo(UpstreamTarget target) {
        List<ServerSlot> slots = slots();
        Optional<UpstreamTarget> previous = wanted != null ? Optional.of(wanted) : active(slots);
        apply(slots, target);
        wanted = target;
        SwitchedLine.logIfMoved(
                previous,
                target,
                () -> Event.info(log, "haproxy.switched")
                        .with("service", service)
                        .with("backend", backend));
        return previous;
    }

    @Override
    public synchronized Optional<UpstreamTarget> target() {
        return Optional.ofNullable(wanted);
    }

    /** Puts the wanted target back when HAProxy does not serve it alone (restarted, reloaded, changed by hand). */
    public synchronized Outcome ensure() {
        if (wanted == null) {
            return Outcome.NO_TARGET;
        }
        List<ServerSlot> slots = slots();
        List<ServerSlot> active = slots.stream().filter(ServerSlot::active).toList();
        if (active.size() == 1 && active.get(0).target().equals(wanted)) {
            return Outcome.UNCHANGED;
        }
        apply(slots, wanted);
        Event.warn(log, "haproxy.restored")
                .with("service", service)
                .with("backend", backend)
                .with("target", wanted.dial())
                .log();
        return Outcome.RESTORED;
    }

    @Override
    public boolean restore() {
        Outcome outcome = ensure();
        return outcome == Outcome.RESTORED;
    }

    /**
     * Polls the sessions of the slot that points at {@code target} until none is open on two polls in a row, at most
     * {@code timeout}; a drained slot that no longer serves is then put in maintenance. Returns the sessions still open.
     */
    @Override
    public int awaitDrained(UpstreamTarget target, Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        int zeros = 0;
        while (true) {
            Optional<ServerSlot> slot = slots().stream()
                    .filter(s -> s.target().equals(target) && !s.active())
                    .findFirst();
            if (slot.isEmpty()) {
                return 0; // serving again, or no longer any slot's target: nothing of it to wait for
            }
            int open = runtime.currentSessions(backend).getOrDefault(slot.get().name(), 0);
            zeros = open == 0 ? zeros + 1 : 0;
            if (zeros >= 2) {
                if (slot.get().draining()) {
                    runtime.setState(backend, slot.get().name(), "maint");
                }
                return 0;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                Event.warn(log, "haproxy.drain_timeout")
                        .with("service", service)
                        .with("upstream", target.dial())
                        .with("open", open)
                        .log();
                return open;
            }
            sleeper.sleep(left.compareTo(drainPoll) < 0 ? left : drainPoll);
        }
    }

    /** Makes the slot for {@code target} the only active one: ready first, then the others drain. */
    private void apply(List<ServerSlot> slots, UpstreamTarget target) {
        ServerSlot chosen = slots.stream()
                .filter(s -> s.target().equals(target))
                .findFirst()
                .or(() ->
                        slots.stream().filter(s -> !s.active() && !s.draining()).findFirst())
                .or(() -> slots.stream().filter(s -> !s.active()).findFirst())
                .orElseThrow(() -> new HaproxyRuntimeException(
                        "haproxy runtime " + runtime.socket() + ": backend " + backend + " of service " + service
                                + " has no free server slot for " + target.dial() + " (needs two servers)",
                        null));
        if (!chosen.target().equals(target)) {
            runtime.setAddress(backend, chosen.name(), target);
        }
        if (!chosen.active()) {
            runtime.setState(backend, chosen.name(), "ready");
        }
        for (ServerSlot other : slots) {
            if (!other.name().equals(chosen.name()) && other.active()) {
                runtime.setState(backend, other.name(), "drain");
            }
        }
    }

    private List<ServerSlot> slots() {
        return runtime.servers(backend).stream()
                .filter(s -> s.name().startsWith(serverPrefix))
                .toList();
    }

    private static Optional<UpstreamTarget> active(List<ServerSlot> slots) {
        return slots.stream().filter(ServerSlot::active).map(ServerSlot::target).findFirst();
    }
}
