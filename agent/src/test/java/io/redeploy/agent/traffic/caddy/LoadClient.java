package io.redeploy.agent.traffic.caddy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One client sending a GET every 10-20 ms, one after the other, recording what answered each request; whether
 * connections are kept alive and whether OkHttp silently retries a request that failed on a reused connection is the
 * given client's configuration ({@link TestClients}). Stops by itself after {@code maxDuration}.
 */
public final class LoadClient implements AutoCloseable {
    /** One request: when it started and ended ({@link System#nanoTime()}), the instance that answered or the failure. */
    public record Result(long startNanos, long endNanos, String answeredBy, String failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    private final OkHttpClient http;
    private final HttpUrl url;
    private final Duration maxDuration;
    private final List<Result> results = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LoadClient(String name, OkHttpClient http, HttpUrl url, Duration maxDuration) {
        this.http = http;
        this.url = url;
        this.maxDuration = maxDuration;
        this.thread = new Thread(this::loop, "load-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stops after the request under way; returns every result. */
    public List<Result> stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
        return List.copyOf(results);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void loop() {
        long end = System.nanoTime() + maxDuration.toNanos();
        while (running && System.nanoTime() < end) {
            Request request = new Request.Builder().url(url).build();
            long start = System.nanoTime();
            try (Response response = http.newCall(request).execute()) {
                String body = response.body().string().strip();
                String upstream = response.header("X-Upstream");
                results.add(
                        response.code() == 200 && body.equals(upstream)
                                ? new Result(start, System.nanoTime(), upstream, null)
                                : new Result(start, System.nanoTime(), null, "HTTP " + response.code() + " " + body));
            } catch (IOException e) {
                results.add(new Result(start, System.nanoTime(), null, e.toString()));
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(10, 21));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
