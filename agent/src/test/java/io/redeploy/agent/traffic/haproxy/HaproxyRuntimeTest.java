package io.redeploy.agent.traffic.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.traffic.caddy.UpstreamTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaproxyRuntimeTest {
    static final String STATE_HEADER =
            "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
                    + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state"
                    + " srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port"
                    + " srv_check_addr srv_agent_addr srv_agent_port\n";

    /** A {@code show servers state} line: address, op state, admin state, port. */
    static String line(int id, String name, String addr, int op, int admin, int port) {
        return "3 be_web " + id + " " + name + " " + addr + " " + op + " " + admin + " 1 1 2 1 0 0 8 0 0 0 - " + port
                + " - 0 0 - - 0\n";
    }

    @Test
    void serversAreReadFromShowServersState() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> STATE_HEADER
                + line(1, "blue", "172.18.0.4", 2, 12, 8000) + line(2, "green", "172.18.0.5", 2, 4, 8000) + "\n")) {
            List<ServerSlot> slots = runtime(haproxy).servers("be_web");

            assertThat(slots)
                    .containsExactly(
                            new ServerSlot("blue", new UpstreamTarget("172.18.0.4", 8000), 2, 12),
                            new ServerSlot("green", new UpstreamTarget("172.18.0.5", 8000), 2, 4));
            assertThat(slots.get(0).draining()).isTrue();
            assertThat(slots.get(0).active()).isFalse();
            assertThat(slots.get(1).active()).isTrue();
            assertThat(haproxy.commands()).containsExactly("show servers state be_web");
        }
    }

    @Test
    void anUnknownBackendFailsWithHaproxysAnswer() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> "Can't find backend.\n\n")) {
            assertThatThrownBy(() -> runtime(haproxy).servers("be_nope"))
                    .isInstanceOf(HaproxyRuntimeException.class)
                    .hasMessage("haproxy runtime " + haproxy.path()
                            + ": 'show servers state be_nope': Can't find backend.");
        }
    }

    @Test
    void currentSessionsAreReadFromShowStat() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> "# pxname,svname,qcur,qmax,scur,smax\n"
                + "be_web,blue,0,0,3,5\nbe_web,green,0,0,0,1\nbe_web,BACKEND,0,0,3,5\n\n")) {
            assertThat(runtime(haproxy).currentSessions("be_web"))
                    .isEqualTo(Map.of("blue", 3, "green", 0, "BACKEND", 3));
            assertThat(haproxy.commands()).containsExactly("show stat be_web 4 -1");
        }
    }

    @Test
    void aRefusedAddressChangeFailsWithHaproxysAnswer() throws Exception {
        try (FakeRuntimeSocket haproxy =
                new FakeRuntimeSocket(c -> "Invalid addr 'app.internal' by 'stats socket command'\n\n")) {
            assertThatThrownBy(() ->
                            runtime(haproxy).setAddress("be_web", "green", new UpstreamTarget("app.internal", 8000)))
                    .isInstanceOf(HaproxyRuntimeException.class)
                    .hasMessageEndingWith(
                            "'set server be_web/green addr app.internal port 8000': Invalid addr 'app.internal' by 'stats socket command'");
        }
    }

    @Test
    void anAcceptedAddressChangePasses() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(
                c ->
                        "IP changed from '127.0.0.1' to '172.18.0.5', port changed from '1' to '8000' by 'stats socket command'\n\n")) {
            runtime(haproxy).setAddress("be_web", "green", new UpstreamTarget("172.18.0.5", 8000));
        }
    }

    @Test
    void aRefusedStateChangeFailsWithHaproxysAnswer() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> "No such server.\n\n")) {
            assertThatThrownBy(() -> runtime(haproxy).setState("be_web", "red", "ready"))
                    .isInstanceOf(HaproxyRuntimeException.class)
                    .hasMessageEndingWith("'set server be_web/red state ready': No such server.");
        }
    }

    @Test
    void aMissingSocketFails() {
        HaproxyRuntime runtime =
                new HaproxyRuntime(java.nio.file.Path.of("/nonexistent/admin.sock"), Duration.ofSeconds(1));
        assertThatThrownBy(runtime::ping)
                .isInstanceOf(HaproxyRuntimeException.class)
                .hasMessageStartingWith("haproxy runtime /nonexistent/admin.sock: 'show info': no answer: ");
    }

    @Test
    void aSilentHaproxyTimesOut() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> null)) {
            HaproxyRuntime runtime = new HaproxyRuntime(haproxy.path(), Duration.ofMillis(300));
            assertThatThrownBy(runtime::ping)
                    .isInstanceOf(HaproxyRuntimeException.class)
                    .hasMessageEndingWith("'show info': no answer within 300 ms");
        }
    }

    @Test
    void somethingElseOnTheSocketIsNotHaproxy() throws Exception {
        try (FakeRuntimeSocket haproxy = new FakeRuntimeSocket(c -> "hello\n")) {
            assertThatThrownBy(runtime(haproxy)::ping).hasMessageEndingWith("'show info': unexpected answer: hello");
        }
    }

    private static HaproxyRuntime runtime(FakeRuntimeSocket haproxy) {
        return new HaproxyRuntime(haproxy.path(), Duration.ofSeconds(5));
    }
}
