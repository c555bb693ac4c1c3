package io.redeploy.agent.notify;

import io.redeploy.agent.config.NotificationsConfig;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/** Sends each notification as a plain-text email over SMTP (Angus Mail), with STARTTLS, TLS or in the clear. */
public final class EmailNotifier implements Notifier {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final NotificationsConfig.Email config;
    private final Session session;

    public EmailNotifier(NotificationsConfig.Email config) {
        this.config = config;
        Properties props = new Properties();
        String protocol = config.security() == NotificationsConfig.SmtpSecurity.TLS ? "smtps" : "smtp";
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".host", config.host());
        props.put("mail." + protocol + ".port", String.valueOf(config.port()));
        props.put("mail." + protocol + ".auth", String.valueOf(config.username().isPresent()));
        props.put("mail." + protocol + ".connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail." + protocol + ".timeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail." + protocol + ".writetimeout", String.valueOf(TIMEOUT.toMillis()));
        if (config.security() == NotificationsConfig.SmtpSecurity.STARTTLS) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        if (config.security() != NotificationsConfig.SmtpSecurity.NONE) {
            props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        }
        Authenticator auth = config.username()
                .map(user -> (Authenticator) new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(
                                user, config.password().map(p -> p.reveal()).orElse(""));
                    }
                })
                .orElse(null);
        this.session = Session.getInstance(props, auth);
    }

    @Override
    public String describe() {
        return "email(" + config.host() + ":" + config.port() + " to "
                + config.to().size() + " recipient(s))";
    }

    @Override
    public boolean wants(String event) {
        return config.wants(event);
    }

    @Override
    public void send(Notification notification) throws IOException {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from()));
            for (String to : config.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(
                    notification.summary().length() > 200
                            ? notification.summary().substring(0, 200) + "..."
                            : notification.summary(),
                    "UTF-8");
            message.setSentDate(Date.from(notification.at()));
            message.setText(body(notification), "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            throw new IOException("SMTP " + config.host() + ":" + config.port() + ": " + e.getMessage());
        }
    }

    private static String body(Notification notification) {
        Map<String, Object> fields = notification.asJson();
        return fields.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("\n")) + "\n";
    }
}
