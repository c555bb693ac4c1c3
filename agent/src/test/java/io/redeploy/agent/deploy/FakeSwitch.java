package io.redeploy.agent.deploy;

import io.redeploy.agent.traffic.ForwardTarget;
import io.redeploy.agent.traffic.TrafficSwitch;
import io.redeploy.agent.traffic.TrafficSwitchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A forwarder without sockets: records switches and drains into the fake engine's operation log, in order. */
final class FakeSwitch implements TrafficSwitch {
    private final List<String> operations;
    private ForwardTarget current;
    final List<ForwardTarget> switches = new ArrayList<>();
    final List<ForwardTarget> drained = new ArrayList<>();
    final List<Duration> drainTimeouts = new ArrayList<>();
    /** What awaitDrained answers: connections still open once the drain is over. */
    int stillOpenAfterDrain;
    /** When set, switching to another target throws it (a reverse proxy refusing the change) and changes nothing. */
    TrafficSwitchException refuseSwitch;
    /** When set, ensure() and a switch to the current target throw it (a reverse proxy that cannot be asked). */
    TrafficSwitchException unreachable;

    int ensures;
    /** When set, awaitDrained throws it (a reverse proxy that stopped answering after the switch). */
    TrafficSwitchException drainFailure;

    FakeSwitch(List<String> operations) {
        this.operations = operations;
    }

    @Override
    public Optional<ForwardTarget> switchTo(ForwardTarget target) {
        if (target.equals(current)) {
            ensure();
            return Optional.of(current);
        }
        operations.add("switch");
        if (unreachable != null) {
            throw unreachable;
        }
        if (refuseSwitch != null) {
            throw refuseSwitch;
        }
        switches.add(target);
        ForwardTarget previous = current;
        current = target;
        return Optional.ofNullable(previous);
    }

    @Override
    public Optional<ForwardTarget> target() {
        return Optional.ofNullable(current);
    }

    @Override
    public int awaitDrained(ForwardTarget target, Duration timeout) {
        operations.add("drain");
        drained.add(target);
        drainTimeouts.add(timeout);
        if (drainFailure != null) {
            throw drainFailure;
        }
        return stillOpenAfterDrain;
    }

    @Override
    public boolean ensure() {
        ensures++;
        if (unreachable != null) {
            throw unreachable;
        }
        return false;
    }
}
