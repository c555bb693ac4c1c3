package io.redeploy.agent.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on loopback in front of a registry that injects registry faults a plain TCP forwarder cannot:
 * a blob download cut off after a number of bytes, held until released (a pull that is in progress for as long as a
 * test needs), or a manifest digest that lies. Every request is sent upstream
 * with {@code Connection: close}, so one connection carries exactly one exchange and the proxy never has to frame
 * a body. Only what a pull or a digest lookup sends (GET/HEAD) is meant to pass through it.
 */
final class FaultyRegistryProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger blobsCut = new AtomicInteger();
    private final AtomicInteger blobsHeld = new AtomicInteger();
    /** Non-null while blob downloads are held: they wait for it before going upstream. */
    private volatile CountDownLatch blobHold;

    private volatile int cutBlobsAfterBytes = -1;
    private volatile String lyingDigest;
    private volatile String realDigest;

    FaultyRegistryProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "faulty-registry-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every blob response (GET /v2/.../blobs/...) is cut after this many bytes (headers included) until {@link #heal}. */
    void cutBlobDownloadsAfter(int bytes) {
        cutBlobsAfterBytes = bytes;
    }

    /**
     * Manifest responses say {@code lying} in Docker-Content-Digest, and a request for the manifest {@code lying} is
     * answered with the content of {@code real}: what a registry (or a man in the middle) that lies about digests does.
     */
    void lieAboutManifestDigest(String lying, String real) {
        realDigest = real;
        lyingDigest = lying;
    }

    /** Every blob download (GET /v2/.../blobs/...) waits, before anything goes upstream, until {@link #heal}. */
    void holdBlobDownloads() {
        blobHold = new CountDownLatch(1);
    }

    /** How many blob downloads have been held so far. */
    int blobsHeld() {
        return blobsHeld.get();
    }

    void heal() {
        cutBlobsAfterBytes = -1;
        lyingDigest = null;
        CountDownLatch hold = blobHold;
        blobHold = null;
        if (hold != null) hold.countDown();
    }

    int blobsCut() {
        return blobsCut.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> exchange(client), "faulty-registry-exchange");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                // close() ends the loop
            }
        }
    }

    private void exchange(Socket client) {
        open.add(client);
        try (client;
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            open.add(upstream);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            fromClient.mark(1);
            if (fromClient.read() == 0x16) {
                // A TLS ClientHello: dockerd tries HTTPS first on an insecure registry. Closing at once makes it fall
                // back to HTTP now, as the plain-HTTP registry's own answer does, instead of after its 10 s timeout.
                return;
            }
            fromClient.reset();
            List<String> request = readHead(fromClient);
            if (request.isEmpty()) return;
            String[] requestLine = request.get(0).split(" ");
            String method = requestLine[0];
            String path = requestLine[1];
            CountDownLatch hold = blobHold;
            if (hold != null && "GET".equals(method) && path.contains("/blobs/")) {
                blobsHeld.incrementAndGet();
                if (!hold.await(5, TimeUnit.MINUTES)) return;
            }
            String lie = lyingDigest;
            if (lie != null && path.endsWith("/manifests/" + lie)) {
                path = path.substring(0, path.length() - lie.length()) + realDigest;
            }
            List<String> upstreamHead = new ArrayList<>();
            upstreamHead.add(method + " " + path + " " + requestLine[2]);
            for (String h : request.subList(1, request.size())) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !lower.startsWith("keep-alive:")) upstreamHead.add(h);
            }
            upstreamHead.add("Connection: close");
            OutputStream toUpstream = upstream.getOutputStream();
            writeHead(toUpstream, upstreamHead);
            pumpRequestBody(fromClient, toUpstream);

            InputStream fromUpstream = new BufferedInputStream(upstream.getInputStream());
            List<String> response = readHead(fromUpstream);
            if (response.isEmpty()) return;
            boolean manifest = path.contains("/manifests/");
            List<String> responseHead = new ArrayList<>();
            for (String h : response) {
                if (manifest && lie != null && h.toLowerCase(Locale.ROOT).startsWith("docker-content-digest:")) {
                    responseHead.add("Docker-Content-Digest: " + lie);
                } else {
                    responseHead.add(h);
                }
            }
            OutputStream toClient = client.getOutputStream();
            int cut = cutBlobsAfterBytes;
            if (cut >= 0
                    && "GET".equals(method)
                    && path.contains("/blobs/")
                    && response.get(0).contains(" 200")) {
                byte[] head = headBytes(responseHead);
                byte[] body = fromUpstream.readNBytes(Math.max(0, cut - head.length));
                toClient.write(head);
                toClient.write(body);
                toClient.flush();
                blobsCut.incrementAndGet();
                client.setSoLinger(true, 0); // a reset, as when a link drops, not a clean end of stream
                return;
            }
            writeHead(toClient, responseHead);
            fromUpstream.transferTo(toClient);
            toClient.flush();
        } catch (IOException e) {
            // one side closed: the exchange is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    /** Pull and HEAD requests carry no body; anything else is forwarded as it comes until the client is done. */
    private static void pumpRequestBody(InputStream fromClient, OutputStream toUpstream) {
        Thread t = new Thread(
                () -> {
                    try {
                        fromClient.transferTo(toUpstream);
                    } catch (IOException ignored) {
                        // closed with the exchange
                    }
                },
                "faulty-registry-request-body");
        t.setDaemon(true);
        t.start();
    }

    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1);
                if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
                if (l.isEmpty()) return lines;
                lines.add(l);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    private static byte[] headBytes(List<String> head) {
        return (String.join("\r\n", head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void writeHead(OutputStream out, List<String> head) throws IOException {
        out.write(headBytes(head));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
