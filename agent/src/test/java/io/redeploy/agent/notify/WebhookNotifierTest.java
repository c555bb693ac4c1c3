package io.redeploy.agent.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.redeploy.agent.config.NotificationsConfig;
import io.redeploy.agent.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookNotifierTest {
    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String HMAC_KEY = "shared-webhook-secret";
    private final OkHttpClient http = new OkHttpClient();

    static Notification rolledBack() {
        return new Notification(
                "deploy.rolled_back",
                Instant.parse("2026-11-25T19:30:00Z"),
                "prod-1",
                Optional.of("web"),
                Optional.of("ghcr.io/acme/app:main"),
                Optional.of("sha256:" + "1".repeat(64)),
                Optional.of("sha256:" + "2".repeat(64)),
                "health (http:8000/health) failed: timed out");
    }

    private NotificationsConfig.Webhook webhook(NotificationsConfig.Format format, String path, Optional<Secret> hmac) {
        return new NotificationsConfig.Webhook(format, new Secret(receiver.baseUrl() + path), hmac, Set.of());
    }

    @Test
    void jsonBodyCarriesTheEventAndAValidHmacSignature() throws Exception {
        receiver.stubFor(post("/hooks/redeploy").willReturn(aResponse().withStatus(204)));

        new WebhookNotifier(
                        webhook(NotificationsConfig.Format.JSON, "/hooks/redeploy", Optional.of(new Secret(HMAC_KEY))),
                        http)
                .send(rolledBack());

        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/redeploy")));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getHeader("X-Redeploy-Event")).isEqualTo("deploy.rolled_back");
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        long timestamp = Long.parseLong(request.getHeader("X-Redeploy-Timestamp"));
        assertThat(request.getHeader("X-Redeploy-Signature"))
                .isEqualTo("sha256=" + hmacHex(WebhookNotifier.signedMaterial(timestamp, request.getBody())));
        receiver.verify(postRequestedFor(urlEqualTo("/hooks/redeploy"))
                .withRequestBody(equalToJson("""
                {"event": "deploy.rolled_back", "at": "2026-11-25T19:30:00Z", "host": "prod-1", "service": "web",
                 "image": "ghcr.io/acme/app:main", "from": "sha256:%s", "to": "sha256:%s",
                 "message": "health (http:8000/health) failed: timed out"}
                """.formatted("1".repeat(64), "2".repeat(64)))));
    }

    @Test
    void withoutASecretNothingIsSigned() throws Exception {
        receiver.stubFor(post("/plain").willReturn(aResponse().withStatus(200)));

        new WebhookNotifier(webhook(NotificationsConfig.Format.JSON, "/plain", Optional.empty()), http)
                .send(rolledBack());

        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/plain")))
                        .get(0)
                        .getHeader("X-Redeploy-Signature"))
                .isNull();
    }

    @Test
    void slackFormatSendsOneTextLine() throws Exception {
        receiver.stubFor(post("/services/T000/B000/XXXX")
                .willReturn(aResponse().withStatus(200).withBody("ok")));

        new WebhookNotifier(
                        webhook(NotificationsConfig.Format.SLACK, "/services/T000/B000/XXXX", Optional.empty()), http)
                .send(rolledBack());

        receiver.verify(
                postRequestedFor(urlEqualTo("/services/T000/B000/XXXX"))
                        .withRequestBody(
                                equalToJson(
                                        "{\"text\": \"[prod-1] deploy.rolled_back web: health (http:8000/health) failed: timed out\"}")));
    }

    @Test
    void aRefusalIsAnErrorThatNeverShowsTheUrlsToken() {
        receiver.stubFor(post("/services/T000/B000/TOKEN123")
                .willReturn(aResponse().withStatus(500).withBody("boom")));
        WebhookNotifier notifier = new WebhookNotifier(
                webhook(NotificationsConfig.Format.SLACK, "/services/T000/B000/TOKEN123", Optional.empty()), http);

        IOException e = catchThrowableOfType(IOException.class, () -> notifier.send(rolledBack()));

        assertThat(e).hasMessage("HTTP 500");
        assertThat(notifier.describe())
                .isEqualTo("webhook(slack http://localhost:" + receiver.getPort() + "/services/****)")
                .doesNotContain("TOKEN123");
    }

    @Test
    void anUnreachableReceiverIsAnErrorWithoutTheToken() {
        WebhookNotifier notifier = new WebhookNotifier(
                new NotificationsConfig.Webhook(
                        NotificationsConfig.Format.SLACK,
                        new Secret("http://127.0.0.1:1/services/T/B/TOKEN123"),
                        Optional.empty(),
                        Set.of()),
                http);

        IOException e = catchThrowableOfType(IOException.class, () -> notifier.send(rolledBack()));

        assertThat(e).isNotNull();
        assertThat(String.valueOf(e.getMessage())).doesNotContain("TOKEN123");
    }

    /**
     * Attack: a captured signed request replayed later. A receiver following docs/policy.md (signature over
     * "timestamp.body", timestamp within 5 minutes) must refuse it, and must refuse it with a fresh timestamp too.
     */
    @Test
    void aReplayedSignedRequestIsRefusedByAReceiverFollowingTheDocs() throws Exception {
        receiver.stubFor(post("/hooks/redeploy").willReturn(aResponse().withStatus(204)));
        Instant sentAt = Instant.parse("2026-12-02T12:00:00Z");
        new WebhookNotifier(
                        webhook(NotificationsConfig.Format.JSON, "/hooks/redeploy", Optional.of(new Secret(HMAC_KEY))),
                        http,
                        java.time.Clock.fixed(sentAt, java.time.ZoneOffset.UTC))
                .send(rolledBack());
        LoggedRequest captured = receiver.findAll(postRequestedFor(urlEqualTo("/hooks/redeploy")))
                .get(0);
        String timestamp = captured.getHeader("X-Redeploy-Timestamp");
        String signature = captured.getHeader("X-Redeploy-Signature");

        assertThat(receiverAccepts(timestamp, signature, captured.getBody(), sentAt.plusSeconds(30)))
                .isTrue();
        // Replayed 10 minutes later as captured: too old.
        assertThat(receiverAccepts(timestamp, signature, captured.getBody(), sentAt.plusSeconds(600)))
                .isFalse();
        // Replayed with the timestamp moved forward: the signature no longer matches.
        String moved = Long.toString(sentAt.plusSeconds(600).getEpochSecond());
        assertThat(receiverAccepts(moved, signature, captured.getBody(), sentAt.plusSeconds(600)))
                .isFalse();
    }

    /** The receiver's check as docs/policy.md describes it. */
    private static boolean receiverAccepts(String timestamp, String signature, byte[] body, Instant now)
            throws Exception {
        if (timestamp == null || signature == null) return false;
        long ts = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - ts) > WebhookNotifier.REPLAY_WINDOW_SECONDS) return false;
        String expected = "sha256=" + hmacHex(WebhookNotifier.signedMaterial(ts, body));
        return java.security.MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmacHex(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HMAC_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }
}
