package io.redeploy.agent.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.testing.MutableClock;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryClientTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    static final String REPO = "acme/app";
    static final String MANIFEST = "/v2/acme/app/manifests/main";
    static final String DIGEST = "sha256:" + "a".repeat(64);
    static final String INDEX_DIGEST = "sha256:" + "1b".repeat(32);
    static final String USER = "tester";
    static final String PASSWORD = "tester-secret";

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T18:00:00Z"));
    final RecordingSleeper sleeper = new RecordingSleeper();
    final RecordingListener listener = new RecordingListener();
    final List<RegistryClient> clients = new ArrayList<>();

    static final RegistryClientSettings SETTINGS = new RegistryClientSettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10),
            3,
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            64 * 1024,
            "redeploy-agent/test");

    @AfterEach
    void closeClients() {
        clients.forEach(RegistryClient::close);
    }

    static String host() {
        return "127.0.0.1:" + wm.getPort();
    }

    static ImageRef image() {
        return new ImageRef(host(), REPO, "main");
    }

    static RegistryConfig anonymous() {
        return new RegistryConfig(host(), true, Optional.empty(), Optional.empty());
    }

    static RegistryConfig withCredentials(String password) {
        return new RegistryConfig(host(), true, Optional.of(USER), Optional.of(new Secret(password)));
    }

    RegistryClient client(RegistryConfig config) {
        return client(config, SETTINGS);
    }

    RegistryClient client(RegistryConfig config, RegistryClientSettings settings) {
        RegistryClient c = RegistryClient.builder(image -> config)
                .settings(settings)
                .sleeper(sleeper)
                .clock(clock)
                .listener(listener)
                .jitter(() -> 0.5)
                .build();
        clients.add(c);
        return c;
    }

    static ResponseDefinitionBuilder digestResponse(String digest) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/vnd.oci.image.index.v1+json")
                .withHeader("Docker-Content-Digest", digest);
    }

    static String bearerChallenge() {
        return "Bearer realm=\"http://" + host()
                + "/token\",service=\"registry.test\",scope=\"repository:acme/app:pull\"";
    }

    static MappingBuilder anonymousHead() {
        return head(urlEqualTo(MANIFEST)).withHeader("Authorization", absent());
    }

    static MappingBuilder headWithToken(String token) {
        return head(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo("Bearer " + token));
    }

    static void stubTokenFlow(String tokenJson) {
        wm.stubFor(anonymousHead()
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
        wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson(tokenJson)));
        wm.stubFor(headWithToken("t1").willReturn(digestResponse(DIGEST)));
    }

    static int tokenRequests() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/token"))).size();
    }

    static int heads() {
        return wm.findAll(headRequestedFor(urlEqualTo(MANIFEST))).size();
    }

    @Nested
    class Digests {
        @Test
        void readsDockerContentDigestWithOneHead() throws Exception {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(digestResponse(DIGEST)));
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            wm.verify(
                    exactly(1),
                    headRequestedFor(urlEqualTo(MANIFEST))
                            .withHeader("Accept", containing("application/vnd.oci.image.index.v1+json"))
                            .withHeader("Accept", containing("application/vnd.oci.image.manifest.v1+json"))
                            .withHeader(
                                    "Accept", containing("application/vnd.docker.distribution.manifest.list.v2+json"))
                            .withHeader("Accept", containing("application/vnd.docker.distribution.manifest.v2+json"))
                            .withHeader("User-Agent", equalTo("redeploy-agent/test")));
            assertThat(wm.getAllServeEvents()).hasSize(1);
        }

        @Test
        void multiArchTagAnswersTheIndexDigest() throws Exception {
            // The registry picks the index because the index types are accepted; its digest is what RepoDigests holds.
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .withHeader("Accept", containing("application/vnd.oci.image.index.v1+json"))
                    .willReturn(digestResponse(INDEX_DIGEST)));
            RegistryClient client = client(anonymous());
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(INDEX_DIGEST));
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(INDEX_DIGEST));
        }

        @Test
        void malformedDigestIsRefused() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(digestResponse("sha256:not-hex")));
            MalformedResponseException e = catchThrowableOfType(
                    MalformedResponseException.class, () -> client(anonymous()).digestOf(image()));
            assertThat(e.getMessage()).contains("malformed Docker-Content-Digest", REPO, host());
            assertThat(e.isTransient()).isFalse();
        }

        @Test
        void missingHeaderFallsBackToGetAndHashesTheBody() throws Exception {
            byte[] manifest =
                    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
                            .getBytes(StandardCharsets.UTF_8);
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(200)));
            wm.stubFor(get(urlEqualTo(MANIFEST))
                    .willReturn(aResponse().withStatus(200).withBody(manifest)));
            Digest digest = client(anonymous()).digestOf(image());
            assertThat(digest.value())
                    .isEqualTo("sha256:"
                            + HexFormat.of()
                                    .formatHex(
                                            MessageDigest.getInstance("SHA-256").digest(manifest)));
            wm.verify(
                    exactly(1),
                    getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Accept", containing("manifest.list.v2+json")));
        }

        @Test
        void headNotAllowedFallsBackToGet() throws Exception {
            byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(405)));
            wm.stubFor(get(urlEqualTo(MANIFEST))
                    .willReturn(aResponse().withStatus(200).withBody(manifest)));
            assertThat(client(anonymous()).digestOf(image()).value())
                    .isEqualTo("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        }

        @Test
        void oversizedBodyIsRefused() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(200)));
            wm.stubFor(get(urlEqualTo(MANIFEST))
                    .willReturn(aResponse().withStatus(200).withBody(new byte[2048])));
            assertThatThrownBy(() ->
                            client(anonymous(), SETTINGS.withMaxBodyBytes(1024)).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("larger than 1024 bytes")
                    .hasMessageContaining(REPO);
        }

        @Test
        void oversizedChunkedBodyWithoutLengthIsRefused() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(200)));
            wm.stubFor(get(urlEqualTo(MANIFEST))
                    .willReturn(
                            aResponse().withStatus(200).withBody(new byte[4096]).withChunkedDribbleDelay(4, 20)));
            assertThatThrownBy(() ->
                            client(anonymous(), SETTINGS.withMaxBodyBytes(1024)).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("larger than 1024 bytes");
        }

        @Test
        void unexpectedStatusIsMalformedAndNotRetried() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(400)));
            assertThatThrownBy(() -> client(anonymous()).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("HTTP 400");
            assertThat(heads()).isEqualTo(1);
        }
    }

    @Nested
    class Failures {
        @Test
        void tagNotFound() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(404)));
            TagNotFoundException e = catchThrowableOfType(
                    TagNotFoundException.class, () -> client(anonymous()).digestOf(image()));
            assertThat(e.getMessage()).isEqualTo("tag main not found in repository acme/app on registry " + host());
            assertThat(e.isTransient()).isFalse();
            assertThat(heads()).isEqualTo(1);
            assertThat(sleeper.waits).isEmpty();
        }

        @Test
        void forbiddenIsCredentialsRejected() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(403)));
            CredentialsRejectedException e = catchThrowableOfType(
                    CredentialsRejectedException.class,
                    () -> client(withCredentials(PASSWORD)).digestOf(image()));
            assertThat(e.getMessage())
                    .startsWith("credentials rejected for repository acme/app on registry " + host())
                    .doesNotContain(PASSWORD);
            assertThat(e.isTransient()).isFalse();
        }

        @Test
        void unauthorizedWithoutChallengeIsCredentialsRejected() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(401)));
            assertThatThrownBy(() -> client(anonymous()).digestOf(image()))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageContaining("anonymous access refused");
            assertThat(heads()).isEqualTo(1);
        }

        @Test
        void rateLimitedWaitsForRetryAfterThenSucceeds() throws Exception {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("429")
                    .whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
                    .willSetStateTo("open"));
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("429")
                    .whenScenarioStateIs("open")
                    .willReturn(digestResponse(DIGEST)));
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(7));
        }

        @Test
        void rateLimitedBeyondTheHonouredWaitFailsFastWithRetryAfter() {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
            RateLimitedException e = catchThrowableOfType(
                    RateLimitedException.class, () -> client(anonymous()).digestOf(image()));
            assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains(REPO, host(), "3600");
            assertThat(sleeper.waits).isEmpty();
            assertThat(heads()).isEqualTo(1);
        }

        @Test
        void rateLimitedWithoutRetryAfterBacksOffThenReports() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(429)));
            RateLimitedException e = catchThrowableOfType(
                    RateLimitedException.class, () -> client(anonymous()).digestOf(image()));
            assertThat(e.retryAfter()).isEmpty();
            assertThat(heads()).isEqualTo(3);
            assertThat(sleeper.waits).hasSize(2);
        }

        @Test
        void serverErrorThenSuccessRetriesWithBackoff() throws Exception {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("5xx")
                    .whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withStatus(500))
                    .willSetStateTo("healed"));
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("5xx")
                    .whenScenarioStateIs("healed")
                    .willReturn(digestResponse(DIGEST)));
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            assertThat(sleeper.waits).containsExactly(Duration.ofMillis(150)); // 200 ms base, equal jitter at 0.5
            assertThat(listener.events).containsExactly(host() + " HEAD 500", host() + " HEAD 200");
        }

        @Test
        void persistentServerErrorIsUnavailableAfterBoundedAttempts() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(503)));
            RegistryUnavailableException e = catchThrowableOfType(
                    RegistryUnavailableException.class,
                    () -> client(anonymous()).digestOf(image()));
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage())
                    .isEqualTo("registry answered HTTP 503 for repository acme/app on registry " + host());
            assertThat(heads()).isEqualTo(3);
            assertThat(sleeper.waits).containsExactly(Duration.ofMillis(150), Duration.ofMillis(300));
        }

        @Test
        void serviceUnavailableRetryAfterIsHonoured() throws Exception {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("503")
                    .whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "4"))
                    .willSetStateTo("up"));
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .inScenario("503")
                    .whenScenarioStateIs("up")
                    .willReturn(digestResponse(DIGEST)));
            client(anonymous()).digestOf(image());
            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(4));
        }

        @Test
        void slowResponseTimesOutAndIsRetried() {
            wm.stubFor(
                    head(urlEqualTo(MANIFEST)).willReturn(digestResponse(DIGEST).withFixedDelay(1500)));
            RegistryClientSettings fast =
                    SETTINGS.withReadTimeout(Duration.ofMillis(200)).withMaxAttempts(2);
            RegistryUnavailableException e = catchThrowableOfType(
                    RegistryUnavailableException.class,
                    () -> client(anonymous(), fast).digestOf(image()));
            assertThat(e.status()).isEqualTo(RegistryUnavailableException.NO_STATUS);
            assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
            assertThat(e.getMessage()).contains("could not be reached", REPO, host());
            assertThat(sleeper.waits).hasSize(1);
            assertThat(listener.events).containsExactly(host() + " HEAD -1", host() + " HEAD -1");
        }

        @Test
        void connectionRefusedIsUnavailable() throws Exception {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            String closedHost = "127.0.0.1:" + closedPort;
            RegistryConfig config = new RegistryConfig(closedHost, true, Optional.empty(), Optional.empty());
            RegistryUnavailableException e = catchThrowableOfType(
                    RegistryUnavailableException.class,
                    () -> client(config).digestOf(new ImageRef(closedHost, REPO, "main")));
            assertThat(e.status()).isEqualTo(-1);
            assertThat(listener.events).containsOnly(closedHost + " HEAD -1").hasSize(3);
        }

        @Test
        void oneFailingImageDoesNotAffectTheNext() throws Exception {
            wm.stubFor(head(urlEqualTo("/v2/acme/gone/manifests/main"))
                    .willReturn(aResponse().withStatus(404)));
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(digestResponse(DIGEST)));
            RegistryClient client = client(anonymous());
            assertThatThrownBy(() -> client.digestOf(new ImageRef(host(), "acme/gone", "main")))
                    .isInstanceOf(TagNotFoundException.class);
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
        }

        @Test
        void interruptedWhileWaitingGivesUpAndKeepsTheFlag() {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(503)));
            RegistryClient client = RegistryClient.builder(i -> anonymous())
                    .settings(SETTINGS)
                    .sleeper(d -> {
                        throw new InterruptedException();
                    })
                    .build();
            clients.add(client);
            try {
                assertThatThrownBy(() -> client.digestOf(image())).isInstanceOf(RegistryUnavailableException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(heads()).isEqualTo(1);
        }

        @Test
        void brokenListenerDoesNotFailTheLookup() throws Exception {
            wm.stubFor(head(urlEqualTo(MANIFEST)).willReturn(digestResponse(DIGEST)));
            RegistryClient client = RegistryClient.builder(i -> anonymous())
                    .settings(SETTINGS)
                    .listener((r, m, s) -> {
                        throw new IllegalStateException("metrics down");
                    })
                    .build();
            clients.add(client);
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
        }
    }

    @Nested
    class TokenAuth {
        @Test
        void answersTheChallengeWithAnAnonymousTokenAndCachesIt() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"expires_in\":300}");
            RegistryClient client = client(anonymous());
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            wm.verify(
                    exactly(1),
                    getRequestedFor(urlPathEqualTo("/token"))
                            .withQueryParam("service", equalTo("registry.test"))
                            .withQueryParam("scope", equalTo("repository:acme/app:pull"))
                            .withHeader("Authorization", absent()));
            assertThat(listener.events)
                    .containsExactly(host() + " HEAD 401", host() + " GET 200", host() + " HEAD 200");

            // Steady state: the cached token goes out with the first request.
            listener.events.clear();
            for (int poll = 0; poll < 3; poll++) {
                assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            }
            assertThat(listener.events)
                    .containsExactly(host() + " HEAD 200", host() + " HEAD 200", host() + " HEAD 200");
            assertThat(tokenRequests()).isEqualTo(1);
        }

        @Test
        void ghcrStyleChallengeForAPublicImageSendsNoCredentials() throws Exception {
            String challenge = "Bearer realm=\"http://" + host()
                    + "/token\",service=\"ghcr.io\",scope=\"repository:acme/app:pull\"";
            wm.stubFor(
                    anonymousHead().willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", challenge)));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t1\"}")));
            wm.stubFor(headWithToken("t1").willReturn(digestResponse(DIGEST)));
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            wm.verify(
                    exactly(1),
                    getRequestedFor(urlEqualTo("/token?service=ghcr.io&scope=repository%3Aacme%2Fapp%3Apull"))
                            .withHeader("Authorization", absent()));
        }

        @Test
        void privateImageSendsBasicCredentialsToTheTokenService() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"expires_in\":300}");
            assertThat(client(withCredentials(PASSWORD)).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            wm.verify(
                    exactly(1),
                    getRequestedFor(urlPathEqualTo("/token"))
                            .withHeader("Authorization", equalTo(Credentials.basic(USER, PASSWORD))));
            // The registry itself only ever sees the token, never the password.
            wm.verify(
                    exactly(0),
                    headRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", containing("Basic")));
        }

        @Test
        void expiredTokenIsRenewedBeforeTheRequestWithoutAChallenge() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"expires_in\":300}");
            RegistryClient client = client(anonymous());
            client.digestOf(image());
            clock.advance(Duration.ofSeconds(289)); // still valid: 300 s minus the 10 s safety margin
            client.digestOf(image());
            assertThat(tokenRequests()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            client.digestOf(image());
            assertThat(tokenRequests()).isEqualTo(2);
            assertThat(wm.findAll(headRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", absent())))
                    .hasSize(1);
            assertThat(heads()).isEqualTo(4);
        }

        @Test
        void missingExpiresInDefaultsToSixtySeconds() throws Exception {
            stubTokenFlow("{\"token\":\"t1\"}");
            RegistryClient client = client(anonymous());
            client.digestOf(image());
            clock.advance(Duration.ofSeconds(49));
            client.digestOf(image());
            assertThat(tokenRequests()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(2));
            client.digestOf(image());
            assertThat(tokenRequests()).isEqualTo(2);
        }

        @Test
        void acceptsAccessTokenField() throws Exception {
            stubTokenFlow("{\"access_token\":\"t1\",\"expires_in\":300}");
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
        }

        @Test
        void prefersTokenOverAccessToken() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"access_token\":\"other\",\"expires_in\":300}");
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
        }

        @Test
        void usesTheDefaultPullScopeWhenTheChallengeHasNone() throws Exception {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withHeader("WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\"")));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t1\"}")));
            wm.stubFor(headWithToken("t1").willReturn(digestResponse(DIGEST)));
            client(anonymous()).digestOf(image());
            wm.verify(
                    exactly(1),
                    getRequestedFor(urlPathEqualTo("/token"))
                            .withQueryParam("scope", equalTo("repository:acme/app:pull"))
                            .withQueryParam("service", absent()));
        }

        @Test
        void remembersTheScopeTheRegistryAskedForWhenRenewing() throws Exception {
            String custom = "repository:acme/app:pull,metadata_read";
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withHeader(
                                    "WWW-Authenticate",
                                    "Bearer realm=\"http://" + host() + "/token\",service=\"s\",scope=\"" + custom
                                            + "\"")));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t1\"}")));
            wm.stubFor(headWithToken("t1").willReturn(digestResponse(DIGEST)));
            RegistryClient client = client(anonymous());
            client.digestOf(image());
            clock.advance(Duration.ofMinutes(5));
            client.digestOf(image());
            wm.verify(exactly(2), getRequestedFor(urlPathEqualTo("/token")).withQueryParam("scope", equalTo(custom)));
            assertThat(heads()).isEqualTo(3); // the renewal went out before the HEAD: no second challenge
        }

        @Test
        void refusedCachedTokenIsReplacedOnce() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"expires_in\":300}");
            RegistryClient client = client(anonymous());
            client.digestOf(image());
            // The registry revokes t1; the token service now hands out t2.
            wm.stubFor(headWithToken("t1")
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withHeader("WWW-Authenticate", bearerChallenge() + ",error=\"invalid_token\"")));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t2\",\"expires_in\":300}")));
            wm.stubFor(headWithToken("t2").willReturn(digestResponse(DIGEST)));
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            client.digestOf(image());
            assertThat(tokenRequests()).isEqualTo(2);
            assertThat(wm.findAll(
                            headRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo("Bearer t2"))))
                    .hasSize(2);
        }

        @Test
        void insufficientScopeIsCredentialsRejected() {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t1\"}")));
            wm.stubFor(headWithToken("t1")
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withHeader("WWW-Authenticate", bearerChallenge() + ",error=\"insufficient_scope\"")));
            CredentialsRejectedException e = catchThrowableOfType(
                    CredentialsRejectedException.class,
                    () -> client(withCredentials(PASSWORD)).digestOf(image()));
            assertThat(e.getMessage())
                    .isEqualTo("credentials rejected for repository acme/app on registry " + host())
                    .doesNotContain(PASSWORD)
                    .doesNotContain("t1");
            assertThat(tokenRequests()).isEqualTo(1);
            assertThat(heads()).isEqualTo(2);
        }

        @Test
        void tokenServiceRejectingCredentials() {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(401)));
            CredentialsRejectedException e = catchThrowableOfType(
                    CredentialsRejectedException.class,
                    () -> client(withCredentials("wrong-password")).digestOf(image()));
            assertThat(e.getMessage())
                    .contains("credentials rejected for repository acme/app")
                    .doesNotContain("wrong-password");
            assertThat(tokenRequests()).isEqualTo(1);
        }

        @Test
        void tokenServiceFailingIsRetriedThenUnavailable() {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
            wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(502)));
            RegistryUnavailableException e = catchThrowableOfType(
                    RegistryUnavailableException.class,
                    () -> client(anonymous()).digestOf(image()));
            assertThat(e.getMessage())
                    .isEqualTo("token service answered HTTP 502 for repository acme/app on registry " + host());
            assertThat(e.status()).isEqualTo(502);
            assertThat(tokenRequests()).isEqualTo(3);
            assertThat(sleeper.waits).hasSize(2);
        }

        @Test
        void tokenServiceRecoversOnRetry() throws Exception {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
            wm.stubFor(get(urlPathEqualTo("/token"))
                    .inScenario("tok")
                    .whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withStatus(500))
                    .willSetStateTo("ok"));
            wm.stubFor(get(urlPathEqualTo("/token"))
                    .inScenario("tok")
                    .whenScenarioStateIs("ok")
                    .willReturn(okJson("{\"token\":\"t1\"}")));
            wm.stubFor(headWithToken("t1").willReturn(digestResponse(DIGEST)));
            assertThat(client(anonymous()).digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            assertThat(sleeper.waits).hasSize(1);
        }

        @Test
        void tokenResponseWithoutTokenIsMalformed() {
            stubTokenFlow("{\"expires_in\":300}");
            assertThatThrownBy(() -> client(anonymous()).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("without a token");
        }

        @Test
        void tokenResponseThatIsNotJsonIsMalformed() {
            wm.stubFor(anonymousHead()
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", bearerChallenge())));
            wm.stubFor(get(urlPathEqualTo("/token"))
                    .willReturn(aResponse().withStatus(200).withBody("<html>login</html>")));
            assertThatThrownBy(() -> client(anonymous()).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("not JSON");
        }

        @Test
        void oversizedTokenResponseIsRefused() {
            stubTokenFlow("{\"token\":\"" + "x".repeat(4096) + "\"}");
            assertThatThrownBy(() ->
                            client(anonymous(), SETTINGS.withMaxBodyBytes(1024)).digestOf(image()))
                    .isInstanceOf(MalformedResponseException.class)
                    .hasMessageContaining("token service sent a response larger than");
        }

        @Test
        void concurrentPollsShareOneTokenRequest() throws Exception {
            stubTokenFlow("{\"token\":\"t1\",\"expires_in\":300}");
            RegistryClient client = client(anonymous());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Digest>> polls = new ArrayList<>();
                for (int i = 0; i < 16; i++) polls.add(() -> client.digestOf(image()));
                for (Future<Digest> f : pool.invokeAll(polls))
                    assertThat(f.get()).isEqualTo(Digest.parse(DIGEST));
            } finally {
                pool.shutdownNow();
            }
            assertThat(tokenRequests()).isEqualTo(1);
        }
    }

    @Nested
    class BasicAuth {
        @Test
        void answersBasicChallengeThenSendsCredentialsPreemptively() throws Exception {
            wm.stubFor(anonymousHead()
                    .willReturn(
                            aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"dev-stack\"")));
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .withHeader("Authorization", equalTo(Credentials.basic(USER, PASSWORD)))
                    .willReturn(digestResponse(DIGEST)));
            RegistryClient client = client(withCredentials(PASSWORD));
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            listener.events.clear();
            assertThat(client.digestOf(image())).isEqualTo(Digest.parse(DIGEST));
            assertThat(listener.events).containsExactly(host() + " HEAD 200");
            assertThat(tokenRequests()).isZero();
        }

        @Test
        void wrongPasswordIsCredentialsRejectedWithoutTheSecret() {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .willReturn(
                            aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"dev-stack\"")));
            CredentialsRejectedException e = catchThrowableOfType(
                    CredentialsRejectedException.class,
                    () -> client(withCredentials("wrong-password")).digestOf(image()));
            assertThat(e.getMessage())
                    .isEqualTo("credentials rejected for repository acme/app on registry " + host())
                    .doesNotContain("wrong-password");
            assertThat(heads()).isEqualTo(2);
        }

        @Test
        void basicChallengeWithoutCredentialsIsAnonymousRefusal() {
            wm.stubFor(head(urlEqualTo(MANIFEST))
                    .willReturn(
                            aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"dev-stack\"")));
            assertThatThrownBy(() -> client(anonymous()).digestOf(image()))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageContaining("anonymous access refused");
            assertThat(heads()).isEqualTo(1);
        }
    }
}
