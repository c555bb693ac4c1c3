package io.redeploy.agent.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where the agent reports deploy events. Empty (the default) means logs only. */
public record NotificationsConfig(List<Webhook> webhooks, Optional<Email> email) {

    /** Every event name the agent sends; a target's {@code events} list picks from these. */
    public static final List<String> EVENTS = List.of(
            "digest.new",
            "deploy.succeeded",
            "deploy.failed",
            "deploy.rolled_back",
            "deploy.refused",
            "agent.degraded",
            "agent.recovered",
            "service.down",
            "service.up",
            "service.held",
            "service.released",
            "rollback.done",
            "rollback.failed",
            "approval.pending",
            "approval.approved");

    public NotificationsConfig {
        webhooks = List.copyOf(webhooks);
    }

    public static NotificationsConfig none() {
        return new NotificationsConfig(List.of(), Optional.empty());
    }

    public boolean isEmpty() {
        return webhooks.isEmpty() && email.isEmpty();
    }

    public enum Format {
        /** The event as a JSON object, signed with HMAC-SHA256 when a secret is set. */
        JSON,
        /** Slack-compatible incoming webhook: {@code {"text": "..."}}. */
        SLACK
    }

    /**
     * @param url    a secret: incoming-webhook URLs carry their token in the path
     * @param events the events sent to this target; empty means all
     */
    public record Webhook(Format format, Secret url, Optional<Secret> hmacSecret, Set<String> events) {
        public Webhook {
            events = Set.copyOf(events);
        }

        public boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }
    }

    public enum SmtpSecurity {
        STARTTLS,
        TLS,
        NONE
    }

    public record Email(
            String host,
            int port,
            SmtpSecurity security,
            Optional<String> username,
            Optional<Secret> password,
            String from,
            List<String> to,
            Set<String> events) {
        public Email {
            to = List.copyOf(to);
            events = Set.copyOf(events);
        }

        public boolean wants(String event) {
            return events.isEmpty() || events.contains(event);
        }
    }
}
