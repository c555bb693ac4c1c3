package io.redeploy.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.redeploy.agent.config.NotificationsConfig;
import io.redeploy.agent.config.Secret;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against GreenMail, an in-process SMTP server. */
class EmailNotifierTest {
    private GreenMail smtp;
    private int port;

    @BeforeEach
    void startSmtp() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        smtp.setUser("redeploy@example.com", "alerts", "smtp-secret");
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    private NotificationsConfig.Email email(Optional<String> user, Optional<Secret> password) {
        return new NotificationsConfig.Email(
                "127.0.0.1",
                port,
                NotificationsConfig.SmtpSecurity.NONE,
                user,
                password,
                "redeploy@example.com",
                List.of("ops@example.com", "dba@example.com"),
                Set.of());
    }

    @Test
    void theEventArrivesAsAPlainTextMail() throws Exception {
        new EmailNotifier(email(Optional.of("alerts"), Optional.of(new Secret("smtp-secret"))))
                .send(WebhookNotifierTest.rolledBack());

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2); // one per recipient mailbox
        MimeMessage mail = received[0];
        assertThat(mail.getSubject())
                .isEqualTo("[prod-1] deploy.rolled_back web: health (http:8000/health) failed: timed out");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("redeploy@example.com");
        String body = String.valueOf(mail.getContent());
        assertThat(body).contains("event: deploy.rolled_back", "service: web", "to: sha256:" + "2".repeat(64));
    }

    @Test
    void aRejectedLoginIsAnErrorWithoutThePassword() {
        smtp.setUser("redeploy@example.com", "alerts", "the-real-secret");
        EmailNotifier notifier =
                new EmailNotifier(email(Optional.of("alerts"), Optional.of(new Secret("wrong-password"))));

        IOException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                IOException.class, () -> notifier.send(WebhookNotifierTest.rolledBack()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("SMTP 127.0.0.1:" + port).doesNotContain("wrong-password");
        assertThat(notifier.describe()).doesNotContain("wrong-password");
    }
}
