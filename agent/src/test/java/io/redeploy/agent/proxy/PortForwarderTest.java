package io.redeploy.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.traffic.ForwardTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forwarder against echo servers standing in for the old and the new container, over real loopback sockets. */
class PortForwarderTest {
    /** Guards against a hang: a read that should end at once fails the test instead of blocking forever. */
    private static final int READ_TIMEOUT_MS = 10_000;

    private final RecordingListener listener = new RecordingListener();
    private PortForwarder forwarder = open();
    private final EchoServer a = echo("a");
    private final EchoServer b = echo("b");

    private PortForwarder open() {
        return PortForwarder.open("web", new InetSocketAddress("127.0.0.1", 0), Duration.ofSeconds(2), listener);
    }

    private static EchoServer echo(String name) {
        try {
            return new EchoServer(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        forwarder.close();
        a.close();
        b.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(forwarder.localAddress().orElseThrow(), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    private static String readLine(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.toString();
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        return readLine(s);
    }

    private static byte[] readToEnd(Socket s) throws IOException {
        return s.getInputStream().readAllBytes();
    }

    @Test
    void forwardsBothWaysAndPassesAHalfCloseOn() throws IOException {
        forwarder.switchTo(a.target());
        try (Socket s = connect()) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();

            assertThat(new String(readToEnd(s), StandardCharsets.UTF_8)).isEqualTo("a\nhello");
        }
        await().until(() -> listener.closed.get() == 1);
        assertThat(listener.opened.get()).isEqualTo(1);
        assertThat(listener.toTarget.get()).isEqualTo(5);
        assertThat(listener.toClient.get()).isEqualTo(7);
        assertThat(forwarder.activeConnections()).isZero();
    }

    @Test
    void aMegabyteArrivesIntactThroughTheSmallBuffers() throws Exception {
        forwarder.switchTo(a.target());
        byte[] payload = new byte[1 << 20];
        new Random(42).nextBytes(payload);
        try (Socket s = connect()) {
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the assertion below fails instead
                }
            });
            writer.start();
            assertThat(readLine(s)).isEqualTo("a");
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            s.getInputStream().transferTo(echoed);
            writer.join();
            assertThat(Arrays.equals(echoed.toByteArray(), payload))
                    .as("echoed bytes equal the payload")
                    .isTrue();
        }
    }

    @Test
    void aSwitchMovesNewConnectionsWhileOpenOnesStayOnTheOldTarget() throws IOException {
        assertThat(forwarder.switchTo(a.target())).isEmpty();
        try (Socket old = connect()) {
            assertThat(readLine(old)).isEqualTo("a");

            assertThat(forwarder.switchTo(b.target())).contains(a.target());
            assertThat(forwarder.target()).contains(b.target());

            try (Socket fresh = connect()) {
                assertThat(readLine(fresh)).isEqualTo("b");
                assertThat(roundTrip(old, "still here"))
                        .as("the old connection goes on to the old target")
                        .isEqualTo("still here");
                assertThat(roundTrip(fresh, "new")).isEqualTo("new");
                assertThat(forwarder.activeConnections(a.target())).isEqualTo(1);
                assertThat(forwarder.activeConnections(b.target())).isEqualTo(1);
            }
        }
    }

    @Test
    void awaitDrainedReturnsOnceTheOldTargetsLastConnectionClosesAndCountsWhatIsLeftOtherwise() throws Exception {
        forwarder.switchTo(a.target());
        Socket first = connect();
        Socket second = connect();
        assertThat(readLine(first)).isEqualTo("a");
        assertThat(readLine(second)).isEqualTo("a");
        forwarder.switchTo(b.target());

        first.close();
        assertThat(forwarder.awaitDrained(a.target(), Duration.ofMillis(50)))
                .as("one still open after a short drain")
                .isEqualTo(1);

        AtomicInteger left = new AtomicInteger(-1);
        Thread waiter = new Thread(() -> {
            try {
                left.set(forwarder.awaitDrained(a.target(), Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        second.close();
        waiter.join(Duration.ofSeconds(30).toMillis());
        assertThat(left.get()).isZero();
        assertThat(forwarder.awaitDrained(b.target(), Duration.ofSeconds(1)))
                .as("nothing ever went to b")
                .isZero();
    }

    @Test
    void aTargetThatIsDownClosesTheClientConnectionAtOnce() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        forwarder.switchTo(new ForwardTarget("gone", "127.0.0.1", closedPort));
        try (Socket s = connect()) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().until(() -> listener.rejected.get() == 1);
        assertThat(listener.opened.get()).isZero();
        assertThat(forwarder.activeConnections()).isZero();
    }

    @Test
    void withoutATargetConnectionsAreClosedAtOnce() throws IOException {
        try (Socket s = connect()) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().until(() -> listener.rejected.get() == 1);
    }

    @Test
    void anAddressInUseIsAClearError() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProxyBindException e = catchThrowableOfType(
                    () -> PortForwarder.open(
                            "web",
                            new InetSocketAddress("127.0.0.1", taken.getLocalPort()),
                            Duration.ofSeconds(1),
                            listener),
                    ProxyBindException.class);

            assertThat(e)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for service web: ")
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void shutdownRefusesNewClientsLetsOpenOnesFinishThenCutsTheRest() throws Exception {
        forwarder.switchTo(a.target());
        InetSocketAddress address = forwarder.localAddress().orElseThrow();
        try (Socket open = connect()) {
            assertThat(readLine(open)).isEqualTo("a");
            forwarder.stopAccepting();
            await().untilAsserted(() -> assertThat(
                            catchThrowableOfType(() -> new Socket().connect(address, 1000), ConnectException.class))
                    .isNotNull());
            assertThat(roundTrip(open, "in flight")).isEqualTo("in flight");

            assertThat(forwarder.shutdown(Duration.ofMillis(50)))
                    .as("connections cut after the grace")
                    .isEqualTo(1);
            assertThat(open.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void shutdownWithNothingOpenReturnsAtOnce() {
        forwarder.switchTo(a.target());
        assertThat(forwarder.shutdown(Duration.ofMinutes(5))).isZero();
    }

    @Test
    void switchingToTheSameTargetTwiceChangesNothing() {
        forwarder.switchTo(a.target());
        assertThat(forwarder.switchTo(a.target())).contains(a.target());
        assertThat(forwarder.target()).contains(a.target());
    }

    static final class RecordingListener implements ProxyListener {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
        final AtomicLong toTarget = new AtomicLong();
        final AtomicLong toClient = new AtomicLong();

        @Override
        public void opened(String service) {
            opened.incrementAndGet();
        }

        @Override
        public void closed(String service, long bytesToTarget, long bytesToClient) {
            toTarget.addAndGet(bytesToTarget);
            toClient.addAndGet(bytesToClient);
            closed.incrementAndGet();
        }

        @Override
        public void rejected(String service, String reason) {
            rejected.incrementAndGet();
        }
    }
}
