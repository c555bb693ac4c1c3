package io.redeploy.agent.traffic.caddy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client (the JDK's {@link java.net.http.WebSocket}) that records what happens to its connection: the
 * answers to its messages, the close frame it got (code and when), or the error that ended it.
 */
public final class WebSocketProbe implements WebSocket.Listener {
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile long endedAtNanos;
    private WebSocket socket;

    public static WebSocketProbe open(URI uri) throws Exception {
        WebSocketProbe probe = new WebSocketProbe();
        probe.socket = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .newWebSocketBuilder()
                .buildAsync(uri, probe)
                .get(10, TimeUnit.SECONDS);
        return probe;
    }

    /** Sends {@code text}; returns the answer, or null when none came within {@code timeout} or sending failed. */
    public String ask(String text, Duration timeout) throws InterruptedException {
        try {
            socket.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
        return answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How the connection ended ({@code close <code> <reason>} or {@code error <exception>}); null while open. */
    public String end() {
        return ended.getNow(null);
    }

    /** Waits at most {@code timeout} for the end; null when still open. */
    public String awaitEnd(Duration timeout) throws InterruptedException {
        try {
            return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public long endedAtNanos() {
        return endedAtNanos;
    }

    public void close() {
        if (!ended.isDone()) {
            socket.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            answers.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        finish("close " + statusCode + (reason.isEmpty() ? "" : " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        finish("error " + error);
    }

    private void finish(String how) {
        if (!ended.isDone()) {
            endedAtNanos = System.nanoTime();
            ended.complete(how);
        }
    }
}
