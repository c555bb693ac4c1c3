package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamTargetTest {
    @Test
    void dialAddressesRoundTripIpv4AndIpv6() {
        assertThat(new UpstreamTarget("172.18.0.5", 8000).dial()).isEqualTo("172.18.0.5:8000");
        assertThat(new UpstreamTarget("fd00::5", 80).dial()).isEqualTo("[fd00::5]:80");
        assertThat(UpstreamTarget.parse("[fd00::5]:80")).isEqualTo(new UpstreamTarget("fd00::5", 80));
        assertThat(UpstreamTarget.parse("172.18.0.5:8000")).isEqualTo(new UpstreamTarget("172.18.0.5", 8000));
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> UpstreamTarget.parse("172.18.0.5"))
                .hasMessage("not a host:port dial address: '172.18.0.5'");
        assertThatThrownBy(() -> UpstreamTarget.parse("unix//run/app.sock"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamTarget.parse("host:http"))
                .hasMessage("not a host:port dial address: 'host:http'");
        assertThatThrownBy(() -> new UpstreamTarget("172.18.0.5", 0))
                .hasMessage("invalid upstream port 0 for host 172.18.0.5");
        assertThatThrownBy(() -> new UpstreamTarget("a b", 80)).hasMessage("invalid upstream host: 'a b'");
    }
}
