package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.metrics.AgentMetrics;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each watched service runs, as the last poll saw it: a service whose container is created, exited, stopped
 * or missing is down, told once when it goes down (WARN, notification) and once when it runs again (INFO), kept in
 * the {@code redeploy_service_up} gauge, and named by {@code /healthz} while it lasts.
 */
final class ServiceHealth {
    private static final Logger log = LoggerFactory.getLogger(ServiceHealth.class);

    private final AgentMetrics metrics;
    private final PollEvents events;
    private final Map<String, String> down = new TreeMap<>();

    ServiceHealth(AgentMetrics metrics, PollEvents events) {
        this.metrics = metrics;
        this.events = events;
    }

    /** @param why empty when the service runs, else what it is doing instead ({@code exited (exit code 0)}) */
    synchronized void seen(ServiceConfig service, Optional<String> why) {
        metrics.serviceUp(service.name(), why.isEmpty());
        if (why.isPresent()) {
            if (down.put(service.name(), why.get()) == null) {
                Event.warn(log, "service.down")
                        .with("service", service.name())
                        .reason("the container is " + why.get())
                        .log();
                events.serviceDown(service, why.get());
            }
        } else if (down.remove(service.name()) != null) {
            Event.info(log, "service.up").with("service", service.name()).log();
            events.serviceUp(service);
        }
    }

    /** {@code web is down: exited (exit code 0)}, one per service that is down. */
    synchronized java.util.List<String> problems() {
        return down.entrySet().stream()
                .map(e -> e.getKey() + " is down: " + e.getValue())
                .toList();
    }
}
