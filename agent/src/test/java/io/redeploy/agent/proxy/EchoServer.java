package io.redeploy.agent.proxy;

import io.redeploy.agent.traffic.ForwardTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a container: greets each connection with its name and a newline, then echoes every byte back;
 * when the client half-closes, it closes too (after the echo), like an HTTP/1.0 server.
 */
final class EchoServer implements AutoCloseable {
    final String name;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    EchoServer(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "echo-" + name);
        t.setDaemon(true);
        t.start();
    }

    ForwardTarget target() {
        return new ForwardTarget(name, "127.0.0.1", server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> echo(s), "echo-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void echo(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
