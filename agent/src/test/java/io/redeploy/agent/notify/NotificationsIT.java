package io.redeploy.agent.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.redeploy.agent.Agent;
import io.redeploy.agent.config.ConfigLoader;
import io.redeploy.agent.it.LocalStack;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent against the real engine and registry, with a WireMock webhook receiver and a GreenMail SMTP
 * server: a database service under pin-major is created, then its image moves to another major and is refused;
 * the receiver sees each event's JSON with a valid HMAC, and the refusal arrives by email.
 */
class NotificationsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String HMAC_KEY = "it-webhook-key";

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @TempDir
    Path stateDir;

    private final ObjectMapper json = new ObjectMapper();
    private GreenMail smtp;
    private Agent agent;
    private String containerName;

    @BeforeEach
    void start() {
        LocalStack.requireRunning();
        smtp = new GreenMail(new ServerSetup(LocalStack.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        receiver.stubFor(post("/hooks/redeploy").willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        if (agent != null) agent.close();
        smtp.stop();
        if (containerName != null) LocalStack.removeContainersNamed(containerName);
    }

    @Test
    void eachEventReachesTheWebhookSignedAndTheRefusalIsMailed() throws Exception {
        String repo = LocalStack.uniqueRepository("it-notify/db");
        String image = LocalStack.REGISTRY + "/" + repo;
        containerName = "it-notify-" + repo.substring(repo.length() - 8);
        LocalStack.pushTestImage(image + ":main", "15.7", "--env", "PG_MAJOR=15");

        agent = Agent.start(
                new ConfigLoader(Map.of("HOOK_KEY", HMAC_KEY))
                        .parse(
                                """
                state_dir: %s
                schedule: { interval: 1s }
                http: { listen: "127.0.0.1:%d" }
                registries: { "%s": { insecure: true } }
                services:
                  db:
                    image: %s
                    tag: main
                    container_name: %s
                    policy: pin-major
                    health: { type: auto, timeout: 10s, interval: 300ms }
                    stop_timeout: 1s
                notifications:
                  webhooks:
                    - url: %s/hooks/redeploy
                      secret_env: HOOK_KEY
                  email:
                    host: 127.0.0.1
                    port: %d
                    security: none
                    from: redeploy@example.com
                    to: [ops@example.com]
                    events: [deploy.refused]
                """.formatted(
                                                stateDir,
                                                LocalStack.freePort(),
                                                LocalStack.REGISTRY,
                                                image,
                                                containerName,
                                                receiver.baseUrl(),
                                                smtp.getSmtp().getPort()),
                                "it"),
                Clock.systemUTC());

        await().atMost(WAIT).until(() -> events().contains("deploy.succeeded"));
        LocalStack.pushTestImage(image + ":main", "16.4", "--env", "PG_MAJOR=16");
        await().atMost(WAIT).until(() -> events().contains("deploy.refused"));

        // A build the planner refuses (pin-major, before the pull) is told once, as the refusal: no "deploying" before
        // it.
        assertThat(events()).containsExactly("digest.new", "deploy.succeeded", "deploy.refused");
        for (LoggedRequest request : receiver.findAll(postRequestedFor(urlEqualTo("/hooks/redeploy")))) {
            assertThat(request.getHeader("X-Redeploy-Signature"))
                    .isEqualTo("sha256="
                            + WebhookNotifier.hmac(
                                    HMAC_KEY,
                                    WebhookNotifier.signedMaterial(
                                            Long.parseLong(request.getHeader("X-Redeploy-Timestamp")),
                                            request.getBody())));
            JsonNode body = json.readTree(request.getBody());
            assertThat(body.get("service").asText()).isEqualTo("db");
            assertThat(body.get("image").asText()).isEqualTo(image + ":main");
            assertThat(body.get("to").asText()).startsWith("sha256:");
        }
        JsonNode refused = json.readTree(receiver.findAll(postRequestedFor(urlEqualTo("/hooks/redeploy")))
                .get(2)
                .getBody());
        assertThat(refused.get("message").asText()).contains("major version change 15 -> 16", "manual step");

        await().atMost(WAIT).until(() -> smtp.getReceivedMessages().length == 1);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).contains("deploy.refused db: pin-major: major version change 15 -> 16");
        assertThat(LocalStack.exec(
                        "docker",
                        "inspect",
                        "--format",
                        "{{index .Config.Labels \"org.opencontainers.image.version\"}}",
                        containerName))
                .isEqualTo("15.7");
    }

    private List<String> events() {
        return receiver.findAll(postRequestedFor(urlEqualTo("/hooks/redeploy"))).stream()
                .map(r -> r.getHeader("X-Redeploy-Event"))
                .toList();
    }
}
