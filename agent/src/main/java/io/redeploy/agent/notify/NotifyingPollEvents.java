package io.redeploy.agent.notify;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.DeployResult;
import io.redeploy.agent.reconcile.PollEvents;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what a poll saw into notifications, once per occurrence: a new digest once per service and digest
 * (not at every poll while it waits), the same failure retried at every poll once, "degraded" once per outage
 * and "recovered" when it ends.
 */
public final class NotifyingPollEvents implements PollEvents {
    private final NotificationDispatcher dispatcher;
    private final Clock clock;
    private final String host;
    private final Map<String, Digest> announced = new HashMap<>();
    /** The last failure told per service: a failure retried at every poll (a pre-update hook) is told once. */
    private final Map<String, String> lastFailure = new HashMap<>();

    private boolean degraded;

    public NotifyingPollEvents(NotificationDispatcher dispatcher, Clock clock, String host) {
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.host = host;
    }

    @Override
    public synchronized void newDigest(ServiceConfig service, Digest digest, boolean willDeploy) {
        if (digest.equals(announced.put(service.name(), digest))) {
            return;
        }
        publish(
                "digest.new",
                Optional.of(service),
                Optional.empty(),
                Optional.of(digest.value()),
                "new digest " + digest.shortForm() + " of " + service.image()
                        + (willDeploy
                                ? "; deploying"
                                : service.mode() == ServiceConfig.UpdateMode.MONITOR
                                        ? "; policy notify: not deployed"
                                        : "; waiting for its cooldown"));
    }

    @Override
    public synchronized void deployFinished(ServiceConfig service, DeployResult result) {
        if (result.outcome() == DeployResult.Outcome.FAILED) {
            String failure = result.to().value() + " " + result.reason();
            if (failure.equals(lastFailure.put(service.name(), failure))) {
                return;
            }
        } else {
            lastFailure.remove(service.name());
        }
        String event = switch (result.outcome()) {
            case DEPLOYED -> "deploy.succeeded";
            case ROLLED_BACK -> "deploy.rolled_back";
            case REFUSED -> "deploy.refused";
            case FAILED -> "deploy.failed";
            case SKIPPED -> null;
        };
        if (event != null) {
            publish(
                    event,
                    Optional.of(service),
                    result.from().map(Digest::value),
                    Optional.of(result.to().value()),
                    result.reasonWithoutLogTail());
        }
    }

    @Override
    public synchronized void degraded(String reason) {
        if (!degraded) {
            degraded = true;
            publish("agent.degraded", Optional.empty(), Optional.empty(), Optional.empty(), reason);
        }
    }

    @Override
    public synchronized void healthy() {
        if (degraded) {
            degraded = false;
            publish("agent.recovered", Optional.empty(), Optional.empty(), Optional.empty(), "Docker answers again");
        }
    }

    @Override
    public synchronized void serviceDown(ServiceConfig service, String why) {
        publish(
                "service.down",
                Optional.of(service),
                Optional.empty(),
                Optional.empty(),
                service.name() + " is down: " + why);
    }

    @Override
    public synchronized void serviceUp(ServiceConfig service) {
        publish("service.up", Optional.of(service), Optional.empty(), Optional.empty(), service.name() + " runs again");
    }

    @Override
    public synchronized void operatorAction(
            ServiceConfig service, String event, Optional<String> from, Optional<String> to, String message) {
        publish(event, Optional.of(service), from, to, message);
    }

    private void publish(
            String event, Optional<ServiceConfig> service, Optional<String> from, Optional<String> to, String message) {
        dispatcher.publish(new Notification(
                event,
                clock.instant(),
                host,
                service.map(ServiceConfig::name),
                service.flatMap(ServiceConfig::declaredImage).map(Object::toString),
                from,
                to,
                message));
    }
}
