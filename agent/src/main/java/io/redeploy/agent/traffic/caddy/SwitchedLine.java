package io.redeploy.agent.traffic.caddy;

import io.redeploy.agent.log.Event;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@code <proxy>.switched} line of a reverse proxy's switch: written only when the upstream really changed. */
public final class SwitchedLine {
    private SwitchedLine() {}

    /** @param line the event with the proxy's own fields; {@code from} and {@code to} are added here */
    public static void logIfMoved(Optional<UpstreamTarget> previous, UpstreamTarget target, Supplier<Event> line) {
        if (!previous.equals(Optional.of(target))) {
            line.get()
                    .with("from", previous.map(UpstreamTarget::dial).orElse("none"))
                    .with("to", target.dial())
                    .log();
        }
    }
}
