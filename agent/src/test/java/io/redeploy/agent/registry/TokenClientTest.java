package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.Secret;
import java.time.Clock;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class TokenClientTest {
    private final TokenClient client = new TokenClient(
            new OkHttpClient.Builder().build(), Clock.systemUTC(), 1024, new RegistryFailures(Clock.systemUTC()));

    @Test
    void neverSendsCredentialsOfAnHttpsRegistryToAPlainHttpRealm() {
        RegistryConfig https =
                new RegistryConfig("registry.example", false, Optional.of("u"), Optional.of(new Secret("p")));
        RegistryTarget target = new RegistryTarget("registry.example", https, "acme/app", "main");
        assertThatThrownBy(() ->
                        client.fetch(target, "http://127.0.0.1:9/token", Optional.empty(), "repository:acme/app:pull"))
                .isInstanceOf(UntrustedTokenRealmException.class)
                .hasMessageContaining("plain HTTP");
    }

    @Test
    void refusesARealmThatIsNotAUrl() {
        RegistryTarget target = new RegistryTarget(
                "registry.example", RegistryConfig.anonymous("registry.example"), "acme/app", "main");
        assertThatThrownBy(() -> client.fetch(target, "not a url", Optional.empty(), "repository:acme/app:pull"))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("token realm");
    }
}
