package io.redeploy.agent.notify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One event worth telling people about. {@code event} is one of
 * {@link io.redeploy.agent.config.NotificationsConfig#EVENTS}; the text fields never hold a secret.
 */
public record Notification(
        String event,
        Instant at,
        String host,
        Optional<String> service,
        Optional<String> image,
        Optional<String> from,
        Optional<String> to,
        String message) {

    /** The JSON body of a webhook: flat, stable keys; absent values are left out. */
    public Map<String, Object> asJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("event", event);
        json.put("at", at.toString());
        json.put("host", host);
        service.ifPresent(v -> json.put("service", v));
        image.ifPresent(v -> json.put("image", v));
        from.ifPresent(v -> json.put("from", v));
        to.ifPresent(v -> json.put("to", v));
        json.put("message", message);
        return json;
    }

    /** One line for chat and the email subject: {@code [host] deploy.rolled_back web: ...}. */
    public String summary() {
        return "[" + host + "] " + event + service.map(s -> " " + s).orElse("") + ": " + message;
    }
}
