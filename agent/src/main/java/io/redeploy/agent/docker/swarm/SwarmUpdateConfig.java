package io.redeploy.agent.docker.swarm;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A service's {@code UpdateConfig} fields the agent reads and may override: read from a service, every field that the
 * spec sets is present; as an override, only the present fields are written into the spec and the others keep their
 * value. {@link #none()} changes nothing.
 *
 * @param monitor how long Swarm watches each updated task for failure before it counts as updated
 */
public record SwarmUpdateConfig(
        Optional<Order> order,
        Optional<FailureAction> failureAction,
        Optional<Duration> monitor,
        OptionalInt parallelism) {

    /** Start the new task before stopping the old one, or the reverse (Swarm's default). */
    public enum Order {
        START_FIRST,
        STOP_FIRST;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Optional<Order> of(String raw) {
            for (Order o : values()) {
                if (o.apiName().equals(raw)) return Optional.of(o);
            }
            return Optional.empty();
        }
    }

    /** What Swarm does when an updated task fails: roll back, pause (its default) or continue. */
    public enum FailureAction {
        ROLLBACK,
        PAUSE,
        CONTINUE;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<FailureAction> of(String raw) {
            for (FailureAction a : values()) {
                if (a.apiName().equals(raw)) return Optional.of(a);
            }
            return Optional.empty();
        }
    }

    public SwarmUpdateConfig {
        monitor.ifPresent(m -> {
            if (m.isNegative()) throw new IllegalArgumentException("monitor must not be negative: " + m);
        });
        parallelism.ifPresent(p -> {
            if (p < 0) throw new IllegalArgumentException("parallelism must not be negative: " + p);
        });
    }

    public static SwarmUpdateConfig none() {
        return new SwarmUpdateConfig(Optional.empty(), Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    public SwarmUpdateConfig withOrder(Order value) {
        return new SwarmUpdateConfig(Optional.of(value), failureAction, monitor, parallelism);
    }

    public SwarmUpdateConfig withFailureAction(FailureAction value) {
        return new SwarmUpdateConfig(order, Optional.of(value), monitor, parallelism);
    }

    public SwarmUpdateConfig withMonitor(Duration value) {
        return new SwarmUpdateConfig(order, failureAction, Optional.of(value), parallelism);
    }

    /** Tasks updated at once; 0 means all at once. */
    public SwarmUpdateConfig withParallelism(int value) {
        return new SwarmUpdateConfig(order, failureAction, monitor, OptionalInt.of(value));
    }

    /** For a log line: the present fields without spaces, e.g. {@code order:start-first,monitor:PT2S}; "none". */
    public String summary() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        order.ifPresent(o -> parts.add("order:" + o.apiName()));
        failureAction.ifPresent(a -> parts.add("failure_action:" + a.apiName()));
        monitor.ifPresent(m -> parts.add("monitor:" + m));
        parallelism.ifPresent(p -> parts.add("parallelism:" + p));
        return parts.isEmpty() ? "none" : String.join(",", parts);
    }

    public boolean isEmpty() {
        return order.isEmpty() && failureAction.isEmpty() && monitor.isEmpty() && parallelism.isEmpty();
    }
}
