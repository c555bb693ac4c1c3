package io.redeploy.agent.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.NotificationsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
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
 * POSTs each notification to a URL: as a JSON object (format {@code json}), signed when a secret is set with
 * {@code X-Redeploy-Timestamp: <unix seconds>} and {@code X-Redeploy-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">} (the timestamp is signed so that a captured request cannot be replayed later: receivers
 * refuse one more than {@value #REPLAY_WINDOW_SECONDS} s from their clock), or as a Slack incoming-webhook message
 * {@code {"text": "..."}} (format {@code slack}). Any 2xx is success.
 */
public final class WebhookNotifier implements Notifier {
    public static final String SIGNATURE_HEADER = "X-Redeploy-Signature";
    public static final String EVENT_HEADER = "X-Redeploy-Event";
    public static final String TIMESTAMP_HEADER = "X-Redeploy-Timestamp";
    /** What receivers are told to accept (docs/policy.md); the agent's own retries stay well inside it. */
    public static final long REPLAY_WINDOW_SECONDS = 300;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final NotificationsConfig.Webhook config;
    private final OkHttpClient http;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public WebhookNotifier(NotificationsConfig.Webhook config, OkHttpClient http) {
        this(config, http, Clock.systemUTC());
    }

    WebhookNotifier(NotificationsConfig.Webhook config, OkHttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
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
        config.hmacSecret().ifPresent(secret -> {
            long timestamp = clock.instant().getEpochSecond(); // at sending: a retry is signed afresh
            request.header(TIMESTAMP_HEADER, Long.toString(timestamp));
            request.header(SIGNATURE_HEADER, "sha256=" + hmac(secret.reveal(), signedMaterial(timestamp, body)));
        });
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

    /** {@code <timestamp>.<body>}, the bytes the signature covers. */
    public static byte[] signedMaterial(long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] material = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, material, prefix.length, body.length);
        return material;
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
