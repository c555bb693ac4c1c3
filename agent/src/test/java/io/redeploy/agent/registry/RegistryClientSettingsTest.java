package io.redeploy.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryClientSettingsTest {

    @Test
    void defaultsNameTheAgentVersionAndBoundEverything() {
        RegistryClientSettings s = RegistryClientSettings.defaults("1.2.3");
        assertThat(s.userAgent()).isEqualTo("redeploy-agent/1.2.3");
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(s.callTimeout()).isGreaterThan(s.readTimeout());
        assertThat(RegistryClientSettings.defaults().userAgent()).startsWith("redeploy-agent/");
    }

    @Test
    void rejectsNonsense() {
        RegistryClientSettings s = RegistryClientSettings.defaults("1");
        assertThatThrownBy(() -> s.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withMaxBodyBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withReadTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistryClientSettings(
                        s.connectTimeout(),
                        s.readTimeout(),
                        s.callTimeout(),
                        1,
                        s.baseBackoff(),
                        s.maxBackoff(),
                        s.maxRetryAfter(),
                        1,
                        " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
