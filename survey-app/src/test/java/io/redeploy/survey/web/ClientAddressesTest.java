package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.config.IpRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private final ClientAddresses behindProxy =
            new ClientAddresses(List.of(IpRange.parse("127.0.0.0/8"), IpRange.parse("10.0.0.0/8")));

    @Test
    void aDirectClientIsItsPeerWhateverItClaims() {
        assertThat(behindProxy.key("198.51.100.1", List.of("192.0.2.9"))).isEqualTo("198.51.100.1");
        assertThat(new ClientAddresses(List.of()).key("127.0.0.1", List.of("192.0.2.9")))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
        assertThat(behindProxy.key("127.0.0.1", List.of("192.0.2.9"))).isEqualTo("192.0.2.9");
        // The client wrote "1.2.3.4" itself; the proxies appended what they saw.
        assertThat(behindProxy.key("127.0.0.1", List.of("1.2.3.4, 192.0.2.9, 10.1.2.3")))
                .isEqualTo("192.0.2.9");
        assertThat(behindProxy.key("127.0.0.1", List.of("1.2.3.4", "192.0.2.9")))
                .isEqualTo("192.0.2.9");
        assertThat(behindProxy.key("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        assertThat(behindProxy.key("127.0.0.1", List.of("10.0.0.5"))).isEqualTo("10.0.0.5");
    }

    @Test
    void garbageAndHostNamesEndTheChainWithoutAnyLookup() {
        assertThat(behindProxy.key("127.0.0.1", List.of("192.0.2.9, evil.example")))
                .isEqualTo("127.0.0.1");
        assertThat(behindProxy.key("127.0.0.1", List.of("unknown, 10.0.0.7"))).isEqualTo("10.0.0.7");
        assertThat(behindProxy.key("127.0.0.1", List.of("999.1.1.1"))).isEqualTo("127.0.0.1");
        assertThat(behindProxy.key("not-an-ip", List.of())).isEqualTo("not-an-ip");
        assertThat(behindProxy.key(null, List.of())).isEqualTo("unknown");
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64() {
        assertThat(behindProxy.key("127.0.0.1", List.of("2001:db8:1:2:aaaa::1")))
                .isEqualTo("2001:db8:1:2::/64")
                .isEqualTo(behindProxy.key("127.0.0.1", List.of("[2001:db8:1:2:bbbb::9]")));
        assertThat(behindProxy.key("2001:db8:1:3::1", List.of())).isEqualTo("2001:db8:1:3::/64");
    }
}
