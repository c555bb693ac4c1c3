package io.redeploy.agent.traffic.haproxy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** A Unix socket answering each one-line command as HAProxy's runtime API does (answer, then close); records them. */
final class FakeRuntimeSocket implements AutoCloseable {
    private final Path dir;
    private final ServerSocketChannel server;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile UnaryOperator<String> answers;

    FakeRuntimeSocket(UnaryOperator<String> answers) throws IOException {
        this.answers = answers;
        this.dir = Files.createTempDirectory("redeploy-fake-haproxy-");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
        Thread t = new Thread(this::loop, "fake-haproxy");
        t.setDaemon(true);
        t.start();
    }

    Path path() {
        return dir.resolve("admin.sock");
    }

    List<String> commands() {
        return List.copyOf(commands);
    }

    void answer(UnaryOperator<String> answers) {
        this.answers = answers;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path());
        Files.deleteIfExists(dir);
    }

    private void loop() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(4096);
                while (client.read(in) > 0 && in.get(in.position() - 1) != '\n') {
                    // a command is one line
                }
                String command = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).strip();
                commands.add(command);
                String answer = answers.apply(command);
                if (answer == null) {
                    Thread.sleep(5_000); // never answers in time
                    continue;
                }
                client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }
}
