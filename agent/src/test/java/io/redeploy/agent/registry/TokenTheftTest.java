package io.redeploy.agent.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on the registry credentials through the 401 challenge: whoever answers on a registry's address chooses the
 * realm, service and scope it names, and must get neither another registry's token nor the password.
 */
class TokenTheftTest {
    @RegisterExtension
    static WireMockExtension privateRegistry = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @RegisterExtension
    static WireMockExtension attacker = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    static final String MANIFEST = "/v2/acme/app/manifests/main";
    static final String DIGEST = "sha256:" + "a".repeat(64);
    static final String PASSWORD = "ghcr-private-password";

    final RegistryClientSettings settings =
            RegistryClientSettings.defaults("test").withMaxAttempts(1).withReadTimeout(Duration.ofSeconds(3));
    RegistryClient client;

    @AfterEach
    void close() {
        if (client != null) client.close();
    }

    static String privateHost() {
        return "127.0.0.1:" + privateRegistry.getPort();
    }

    /** The attacker's registry is another host name for the same machine, so the host check can tell them apart. */
    static String attackerHost() {
        return "localhost:" + attacker.getPort();
    }

    static String privateChallenge() {
        return "Bearer realm=\"http://" + privateHost()
                + "/token\",service=\"ghcr.io\",scope=\"repository:acme/app:pull\"";
    }

    static RegistryConfig privateConfig(List<String> tokenHosts) {
        return new RegistryConfig(
                privateHost(), true, Optional.of("bot"), Optional.of(new Secret(PASSWORD)), tokenHosts);
    }

    RegistryClient client(Map<String, RegistryConfig> registries) {
        client = RegistryClient.builder(registries).settings(settings).build();
        return client;
    }

    @Test
    void aSecondRegistryNamingTheSameRealmServiceAndScopeDoesNotGetTheCachedToken() throws Exception {
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", privateChallenge())));
        privateRegistry.stubFor(get(urlPathEqualTo("/token"))
                .withHeader("Authorization", equalTo(Credentials.basic("bot", PASSWORD)))
                .willReturn(okJson("{\"token\":\"private-token\",\"expires_in\":300}")));
        privateRegistry.stubFor(get(urlPathEqualTo("/token"))
                .withHeader("Authorization", absent())
                .willReturn(okJson("{\"token\":\"anonymous-token\",\"expires_in\":300}")));
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .withHeader("Authorization", equalTo("Bearer private-token"))
                .willReturn(aResponse().withStatus(200).withHeader("Docker-Content-Digest", DIGEST)));
        // The attacker copies the private registry's challenge word for word.
        attacker.stubFor(head(urlEqualTo(MANIFEST))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", privateChallenge())));
        RegistryClient registry = client(Map.of(
                privateHost(),
                privateConfig(List.of()),
                attackerHost(),
                new RegistryConfig(attackerHost(), true, Optional.empty(), Optional.empty())));

        registry.digestOf(new ImageRef(privateHost(), "acme/app", "main"));
        assertThatThrownBy(() -> registry.digestOf(new ImageRef(attackerHost(), "acme/app", "main")))
                .isInstanceOf(RegistryException.class);

        assertThat(attacker.findAll(headRequestedFor(urlEqualTo(MANIFEST))
                        .withHeader("Authorization", containing("private-token"))))
                .isEmpty();
    }

    @Test
    void credentialsAreNotSentToARealmOnAnotherHost() {
        String stealingChallenge = "Bearer realm=\"http://" + attackerHost()
                + "/token\",service=\"ghcr.io\",scope=\"repository:acme/app:pull\"";
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", stealingChallenge)));
        attacker.stubFor(get(urlPathEqualTo("/token")).willReturn(okJson("{\"token\":\"t\"}")));
        RegistryClient registry = client(Map.of(privateHost(), privateConfig(List.of())));

        assertThatThrownBy(() -> registry.digestOf(new ImageRef(privateHost(), "acme/app", "main")))
                .isInstanceOf(UntrustedTokenRealmException.class)
                .hasMessageContaining("localhost")
                .hasMessageContaining("registries." + privateHost() + ".token_hosts")
                .hasMessageNotContaining(PASSWORD);
        assertThat(attacker.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aRealmOnAHostListedInTokenHostsGetsTheCredentials() throws Exception {
        String challenge = "Bearer realm=\"http://" + attackerHost()
                + "/token\",service=\"ghcr.io\",scope=\"repository:acme/app:pull\"";
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", challenge)));
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .withHeader("Authorization", equalTo("Bearer t"))
                .willReturn(aResponse().withStatus(200).withHeader("Docker-Content-Digest", DIGEST)));
        attacker.stubFor(get(urlPathEqualTo("/token"))
                .withHeader("Authorization", equalTo(Credentials.basic("bot", PASSWORD)))
                .willReturn(okJson("{\"token\":\"t\"}")));
        RegistryClient registry = client(Map.of(privateHost(), privateConfig(List.of("localhost"))));

        assertThat(registry.digestOf(new ImageRef(privateHost(), "acme/app", "main"))
                        .toString())
                .isEqualTo(DIGEST);
    }

    @Test
    void credentialsAreNotSentToAPlainHttpRealmOffLoopback() {
        String challenge = "Bearer realm=\"http://registry.invalid/token\",service=\"ghcr.io\"";
        privateRegistry.stubFor(head(urlEqualTo(MANIFEST))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", challenge)));
        RegistryConfig config = new RegistryConfig(
                privateHost(),
                true,
                Optional.of("bot"),
                Optional.of(new Secret(PASSWORD)),
                List.of("registry.invalid"));
        RegistryClient registry = client(Map.of(privateHost(), config));

        assertThatThrownBy(() -> registry.digestOf(new ImageRef(privateHost(), "acme/app", "main")))
                .isInstanceOf(UntrustedTokenRealmException.class)
                .hasMessageContaining("plain HTTP");
    }
}
