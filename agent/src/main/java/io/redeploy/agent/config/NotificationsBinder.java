package io.redeploy.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the top-level {@code notifications} section: webhooks (JSON or Slack) and email over SMTP. */
final class NotificationsBinder {
    private static final List<String> KEYS = List.of("webhooks", "email");
    private static final List<String> WEBHOOK_KEYS = List.of(
            "format", "url", "url_env", "url_file", "secret_env", "secret_file", "events", "plain_http_acknowledged");
    private static final List<String> EMAIL_KEYS = List.of(
            "host",
            "port",
            "security",
            "username",
            "password_env",
            "password_file",
            "from",
            "to",
            "events",
            "plain_auth_acknowledged");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

    private final SecretResolver secrets;
    private final Problems problems;

    NotificationsBinder(SecretResolver secrets, Problems problems) {
        this.secrets = secrets;
        this.problems = problems;
    }

    NotificationsConfig bind(MappingReader top) {
        Optional<MappingReader> section = top.reader("notifications", "a mapping with webhooks and/or email", KEYS);
        if (section.isEmpty()) {
            return NotificationsConfig.none();
        }
        MappingReader reader = section.get();
        List<NotificationsConfig.Webhook> webhooks = new ArrayList<>();
        reader.sequence("webhooks", "a list of webhooks, e.g. [{url_env: SLACK_WEBHOOK_URL, format: slack}]")
                .ifPresent(list -> {
                    for (int i = 0; i < list.items().size(); i++) {
                        String path = MappingReader.item(reader.pathOf("webhooks"), i);
                        MappingReader.of(
                                        list.items().get(i),
                                        path,
                                        problems,
                                        "a mapping with url and format",
                                        WEBHOOK_KEYS)
                                .flatMap(this::webhook)
                                .ifPresent(webhooks::add);
                    }
                });
        Optional<NotificationsConfig.Email> email = reader.reader(
                        "email", "a mapping with host, from and to", EMAIL_KEYS)
                .flatMap(this::email);
        return new NotificationsConfig(webhooks, email);
    }

    private Optional<NotificationsConfig.Webhook> webhook(MappingReader reader) {
        NotificationsConfig.Format format = reader.parsed("format", "json or slack", text -> switch (text) {
                    case "json" -> NotificationsConfig.Format.JSON;
                    case "slack" -> NotificationsConfig.Format.SLACK;
                    default ->
                        throw new IllegalArgumentException(
                                "'" + text + "' is not a webhook format; expected json or slack");
                })
                .orElse(NotificationsConfig.Format.JSON);
        Optional<Secret> url;
        if (format == NotificationsConfig.Format.JSON && reader.has("url")) {
            // A plain JSON receiver's URL may be written down: the HMAC secret is what authenticates the agent.
            url = reader.parsed("url", "an http(s) URL", NotificationsBinder::httpUrl)
                    .map(Secret::new);
        } else {
            url = secrets.resolve(reader, "url", "webhook URL").flatMap(secret -> {
                try {
                    return Optional.of(new Secret(httpUrl(secret.reveal())));
                } catch (IllegalArgumentException e) {
                    problems.add(
                            reader.line(),
                            reader.path(),
                            "the webhook URL is not an http(s) URL; expected " + "https://...");
                    return Optional.empty();
                }
            });
            if (!reader.has("url") && !reader.has("url_env") && !reader.has("url_file")) {
                problems.add(
                        reader.line(),
                        reader.path(),
                        "missing the webhook URL; expected url_env: VARIABLE or " + "url_file: /path"
                                + (format == NotificationsConfig.Format.JSON ? " (or url: https://...)" : ""));
            }
        }
        Optional<Secret> hmac = secrets.resolve(reader, "secret", "webhook signing secret");
        if (format == NotificationsConfig.Format.SLACK && (reader.has("secret_env") || reader.has("secret_file"))) {
            problems.add(
                    reader.line(),
                    reader.path(),
                    "Slack webhooks are not signed; expected no secret_env/secret_file " + "with format: slack");
        }
        Set<String> events = events(reader);
        boolean plainHttpAcknowledged = reader.bool("plain_http_acknowledged").orElse(false);
        if (url.isPresent() && PlainHttp.offLoopback(url.get().reveal()) && !plainHttpAcknowledged) {
            // The URL is not quoted: a Slack URL carries its token.
            problems.add(
                    reader.line(),
                    reader.path(),
                    "the webhook URL is plain http:// off loopback: events (and the signature) would cross the "
                            + "network readable and changeable; expected https://, or plain_http_acknowledged: true");
            return Optional.empty();
        }
        return url.map(u -> new NotificationsConfig.Webhook(format, u, hmac, events));
    }

    private Optional<NotificationsConfig.Email> email(MappingReader reader) {
        Optional<String> host = reader.string("host", "an SMTP server host name");
        if (!reader.has("host")) {
            problems.add(
                    reader.line(),
                    reader.path(),
                    "missing required key 'host'; expected the SMTP server, e.g. " + "smtp.example.com");
        }
        NotificationsConfig.SmtpSecurity security = reader.parsed(
                        "security", "starttls, tls or none", text -> switch (text) {
                            case "starttls" -> NotificationsConfig.SmtpSecurity.STARTTLS;
                            case "tls" -> NotificationsConfig.SmtpSecurity.TLS;
                            case "none" -> NotificationsConfig.SmtpSecurity.NONE;
                            default ->
                                throw new IllegalArgumentException("'" + text
                                        + "' is not an SMTP security mode; expected " + "starttls, tls or none");
                        })
                .orElse(NotificationsConfig.SmtpSecurity.STARTTLS);
        int port = reader.port("port")
                .orElse(
                        switch (security) {
                            case TLS -> 465;
                            case STARTTLS -> 587;
                            case NONE -> 25;
                        });
        Optional<String> username = reader.string("username", "the SMTP user name");
        Optional<Secret> password = secrets.resolve(reader, "password", "SMTP password");
        if (username.isPresent() != (reader.has("password_env") || reader.has("password_file"))) {
            problems.add(reader.line(), reader.path(), "username and password come together; expected both or neither");
        }
        if (username.isPresent()
                && host.isPresent()
                && security == NotificationsConfig.SmtpSecurity.NONE
                && host.filter(PlainHttp::isLoopback).isEmpty()
                && !reader.bool("plain_auth_acknowledged").orElse(false)) {
            // AUTH PLAIN/LOGIN over a plain connection: the password crosses the network base64-encoded.
            problems.add(
                    reader.lineOf("security"),
                    reader.pathOf("security"),
                    "SMTP login without TLS to " + host.get() + " (security: none) would send the password in the "
                            + "clear; expected security: starttls or tls, a relay on loopback, or "
                            + "plain_auth_acknowledged: true");
        }
        Optional<String> from = reader.parsed("from", "an email address", NotificationsBinder::address);
        if (!reader.has("from")) {
            problems.add(reader.line(), reader.path(), "missing required key 'from'; expected the sender address");
        }
        List<String> to = new ArrayList<>();
        reader.sequence("to", "a list of email addresses").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                MappingReader.parse(
                                list.items().get(i),
                                MappingReader.item(reader.pathOf("to"), i),
                                problems,
                                "an email address",
                                NotificationsBinder::address)
                        .ifPresent(to::add);
            }
        });
        if (to.isEmpty() && !reader.has("to")) {
            problems.add(reader.line(), reader.path(), "missing required key 'to'; expected a list of addresses");
        }
        Set<String> events = events(reader);
        if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new NotificationsConfig.Email(host.get(), port, security, username, password, from.get(), to, events));
    }

    private Set<String> events(MappingReader reader) {
        Set<String> events = new LinkedHashSet<>();
        reader.sequence("events", "a list of event names").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                MappingReader.parse(
                                list.items().get(i),
                                MappingReader.item(reader.pathOf("events"), i),
                                problems,
                                "an event name",
                                text -> {
                                    if (!NotificationsConfig.EVENTS.contains(text)) {
                                        throw new IllegalArgumentException(
                                                "'" + text + "' is not an event; expected one of "
                                                        + String.join(", ", NotificationsConfig.EVENTS));
                                    }
                                    return text;
                                })
                        .ifPresent(events::add);
            }
        });
        return events;
    }

    private static String httpUrl(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        try {
            java.net.URI uri = new java.net.URI(text);
            if ((lower.startsWith("https://") || lower.startsWith("http://")) && uri.getHost() != null) {
                return text;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("not an http(s) URL; expected e.g. https://ops.example.com/hooks/redeploy");
    }

    private static String address(String text) {
        if (!ADDRESS.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an email address; expected e.g. ops@example.com");
        }
        return text;
    }
}
