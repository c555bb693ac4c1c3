package io.redeploy.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder's bounds against silent and greedy clients, over real loopback sockets: idle and half-closed
 * connections are closed, one client address cannot take more than its share, and the total is capped. Client
 * addresses 127.0.0.2 and 127.0.0.3 are Linux loopback addresses too.
 */
class ForwarderLimitsTest {
    private static final int READ_TIMEOUT_MS = 10_000;

    private final PortForwarderTest.RecordingListener listener = new PortForwarderTest.RecordingListener();
    private final List<Socket> sockets = new ArrayList<>();
    private PortForwarder forwarder;
    private EchoServer echo;

    private void open(ForwarderLimits limits) throws IOException {
        forwarder = PortForwarder.open("web", new InetSocketAddress("127.0.0.1", 0), limits, listener);
        echo = new EchoServer("a");
        forwarder.switchTo(echo.target());
    }

    private static ForwarderLimits limits(Duration idle, Duration halfClosed, int total, int perClient) {
        return new ForwarderLimits(Duration.ofSeconds(2), idle, halfClosed, total, perClient);
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private Socket connectFrom(String clientAddress) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(clientAddress), 0));
        s.connect(forwarder.localAddress().orElseThrow(), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    /** The greeting, or null when the forwarder closed the connection without one. */
    private static String greeting(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return null;
            }
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutWhileATalkingOneStays() throws Exception {
        open(limits(Duration.ofMillis(600), Duration.ofSeconds(30), 10, 10));
        Socket silent = connectFrom("127.0.0.1");
        Socket talking = connectFrom("127.0.0.1");
        assertThat(greeting(silent)).isEqualTo("a");
        assertThat(greeting(talking)).isEqualTo("a");

        long started = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            Thread.sleep(200);
            talking.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            assertThat(greeting(talking)).isEqualTo("ping");
        }

        assertThat(silent.getInputStream().read()).as("closed by the forwarder").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        await().until(() -> forwarder.activeConnections() == 1);
    }

    @Test
    void aHalfClosedConnectionWhoseTargetStaysSilentIsClosedAfterItsOwnTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(mute.accept()); // and never answers
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            forwarder = PortForwarder.open(
                    "web",
                    new InetSocketAddress("127.0.0.1", 0),
                    limits(Duration.ofSeconds(30), Duration.ofMillis(500), 10, 10),
                    listener);
            forwarder.switchTo(new io.redeploy.agent.traffic.ForwardTarget("mute", "127.0.0.1", mute.getLocalPort()));
            Socket client = connectFrom("127.0.0.1");
            client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();

            long started = System.nanoTime();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the half-closed timeout, not the idle one")
                    .isLessThan(Duration.ofSeconds(5));
            await().until(() -> forwarder.activeConnections() == 0);
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void oneClientAddressGetsAtMostItsShareAndOthersAreStillServed() throws Exception {
        open(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 100, 3));
        List<String> greedy = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            greedy.add(greeting(connectFrom("127.0.0.1")));
        }

        assertThat(greedy).containsExactly("a", "a", "a", null, null, null);
        assertThat(greeting(connectFrom("127.0.0.2"))).as("another client").isEqualTo("a");
        await().until(() -> listener.rejected.get() == 3);
    }

    @Test
    void theTotalIsCappedAndASlotFreesWhenAConnectionEnds() throws Exception {
        open(limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 2, 2));
        Socket first = connectFrom("127.0.0.1");
        assertThat(greeting(first)).isEqualTo("a");
        assertThat(greeting(connectFrom("127.0.0.2"))).isEqualTo("a");

        assertThat(greeting(connectFrom("127.0.0.3"))).as("over the total").isNull();
        first.close();
        await().until(() -> forwarder.activeConnections() == 1);
        assertThat(greeting(connectFrom("127.0.0.3"))).isEqualTo("a");
    }
}
