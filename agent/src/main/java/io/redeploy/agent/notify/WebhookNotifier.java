package io.redeploy.agent.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.NotificationsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * POSTs each notification to a URL: as a JSON object (format {@code json}), signed like GitHub's webhooks with
 * {@code X-Redeploy-Signature: sha256=<hex HMAC-SHA256 of the body>} when a secret is set, or as a Slack
 * incoming-webhook message {@code {"text": "..."}} (format {@code slack}). Any 2xx is success.
 */
public final class WebhookNotifier implements Notifier {
    public static final String SIGNATURE_HEADER = "X-Redeploy-Signature";
    public static final String EVENT_HEADER = "X-Redeploy-Event";
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final NotificationsConfig.Webhook config;
    private final OkHttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public WebhookNotifier(NotificationsConfig.Webhook config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public String describe() {
        return "webhook(" + config.format().name().toLowerCase(java.util.Locale.ROOT) + " "
                + MaskedUrl.of(config.url().reveal()) + ")";
    }

    @Override
    public boolean wants(String event) {
        return config.wants(event);
    }

    @Override
    public void send(Notification notification) throws IOException {
        byte[] body = config.format() == NotificationsConfig.Format.SLACK
                ? json.writeValueAsBytes(Map.of("text", notification.summary()))
                : json.writeValueAsBytes(notification.asJson());
        Request.Builder request = new Request.Builder()
                .url(config.url().reveal())
                .header(EVENT_HEADER, notification.event())
                .post(RequestBody.create(body, JSON));
        config.hmacSecret()
                .ifPresent(secret -> request.header(SIGNATURE_HEADER, "sha256=" + hmac(secret.reveal(), body)));
        try (Response response = http.newCall(request.build()).execute()) {
            if (!response.isSuccessful()) {
                // The body of an error page may echo the URL; the status is enough.
                throw new IOException("HTTP " + response.code());
            }
        } catch (IOException e) {
            // OkHttp's messages can contain the full URL with its token.
            throw new IOException(scrub(e.getMessage()));
        }
    }

    private String scrub(String message) {
        String m = String.valueOf(message);
        return m.replace(config.url().reveal(), MaskedUrl.of(config.url().reveal()));
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
