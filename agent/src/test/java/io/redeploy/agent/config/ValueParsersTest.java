package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small parsers behind the problem lines: durations, ports, volumes, ${VAR}, host:port, key suggestions. */
class ValueParsersTest {

    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.format(Duration.ofMillis(90_500))).isEqualTo("1m30s500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThatThrownBy(() -> Durations.parse("1.5s"))
                .hasMessage("'1.5s' is not a duration; expected a number "
                        + "with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h"))
                .hasMessageStartingWith("'99999999999999999999h' is too large;");
        assertThatThrownBy(() -> Durations.parseAtLeast("0s", Duration.ofSeconds(1)))
                .hasMessage("'0s' is too short; expected at least 1s");
    }

    @Test
    void portMappings() {
        assertThat(PortMappings.parse("8000:80")).isEqualTo(new PortMapping("", 8000, 80, "tcp"));
        assertThat(PortMappings.parse("127.0.0.1:5432:5432"))
                .isEqualTo(new PortMapping("127.0.0.1", 5432, 5432, "tcp"));
        assertThat(PortMappings.parse("[::1]:53:53/udp")).isEqualTo(new PortMapping("::1", 53, 53, "udp"));
        assertThatThrownBy(() -> PortMappings.parse("8000"))
                .hasMessage(
                        "'8000' has no host port (the agent never "
                                + "publishes to a random port); expected [host_ip:]host_port:container_port[/tcp|udp], e.g. 8000:8000");
        assertThatThrownBy(() -> PortMappings.parse("80:80/sctp"))
                .hasMessage("'80:80/sctp' has protocol 'sctp'; expected tcp or udp");
        assertThatThrownBy(() -> PortMappings.parse("300.1.1.1:80:80"))
                .hasMessage("'300.1.1.1:80:80' has host IP "
                        + "'300.1.1.1' which is not an IP address; expected an IPv4 address or a bracketed IPv6 address such "
                        + "as [::1]");
        assertThatThrownBy(() -> PortMappings.parse("8000-8010:8000-8010"))
                .hasMessage("'8000-8010:8000-8010' is not "
                        + "a port mapping; expected [host_ip:]host_port:container_port[/tcp|udp]");
    }

    @Test
    void portClashes() {
        PortMapping all = PortMappings.parse("8000:80");
        assertThat(PortMappings.clash(all, PortMappings.parse("127.0.0.1:8000:81")))
                .isTrue();
        assertThat(PortMappings.clash(all, PortMappings.parse("8000:80/udp"))).isFalse();
        assertThat(PortMappings.clash(PortMappings.parse("127.0.0.1:8000:80"), PortMappings.parse("127.0.0.2:8000:80")))
                .isFalse();
    }

    @Test
    void volumeMounts() {
        assertThat(VolumeMounts.parse("data:/var/lib/data")).isEqualTo(new VolumeMount("data", "/var/lib/data", false));
        assertThat(VolumeMounts.parse("/srv/conf:/etc/app:ro"))
                .isEqualTo(new VolumeMount("/srv/conf", "/etc/app", true));
        assertThatThrownBy(() -> VolumeMounts.parse("data:/x:rx"))
                .hasMessage("'data:/x:rx' has mode 'rx'; expected " + "ro or rw");
        assertThatThrownBy(() -> VolumeMounts.parse("data:relative"))
                .hasMessage("'data:relative' has container path "
                        + "'relative' which is not absolute; expected volume_name:/container/path or "
                        + "/host/path:/container/path, optionally followed by :ro");
        assertThatThrownBy(() -> VolumeMounts.parse("/only-one"))
                .hasMessageStartingWith("'/only-one' is not a volume mount;");
    }

    @Test
    void environmentInterpolation() {
        EnvInterpolator env = new EnvInterpolator(Map.of("USER", "ann", "EMPTY", ""));
        assertThat(env.expand("postgres://${USER}@db")).isEqualTo("postgres://ann@db");
        assertThat(env.expand("cost $$5")).isEqualTo("cost $5");
        assertThat(env.expand("${MISSING:-dflt}/${EMPTY:-x}/${EMPTY}")).isEqualTo("dflt/x/");
        assertThatThrownBy(() -> env.expand("a${USER"))
                .hasMessage("'${' at position 2 is never closed; expected "
                        + "${NAME}, ${NAME:-fallback}, or $$ for a literal $");
        assertThatThrownBy(() -> env.expand("${1X}"))
                .hasMessage("the reference at position 1 does not name a "
                        + "variable (letters, digits, _); expected ${NAME}, ${NAME:-fallback}, or $$ for a literal $");
        assertThatThrownBy(() -> env.expand("$HOME"))
                .hasMessage("'$' at position 1 is not followed by {NAME} or $; "
                        + "expected ${NAME}, ${NAME:-fallback}, or $$ for a literal $");
    }

    @Test
    void hostPorts() {
        assertThat(HostPort.parse("ghcr.io")).contains(new HostPort("ghcr.io", Optional.empty()));
        assertThat(HostPort.parse("127.0.0.1:5000")).contains(new HostPort("127.0.0.1", Optional.of(5000)));
        assertThat(HostPort.parse("[::1]:8686")).contains(new HostPort("::1", Optional.of(8686)));
        for (String bad : List.of("https://ghcr.io", "ghcr.io/acme", "1.2.3:80", "host:0", "host:", "[zz]:1", "")) {
            assertThat(HostPort.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void keySuggestions() {
        List<String> keys = List.of("services", "schedule", "state_dir", "http");
        assertThat(KeySuggester.nearest("servcies", keys)).contains("services");
        assertThat(KeySuggester.nearest("state-dir", keys)).contains("state_dir");
        assertThat(KeySuggester.nearest("Schedule", keys)).contains("schedule");
        assertThat(KeySuggester.nearest("replicas", keys)).isEmpty();
    }
}
