package io.redeploy.agent.it.compose;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A visitor of the site through Caddy: GET {@code path} every {@link #EVERY} (a request that takes longer delays the
 * next) on its own thread, from {@link #start} to {@link #close}. Every answer other than 200, and every request that
 * got no answer (refused, reset, timed out), is a failure, kept with when and why.
 */
public final class SiteProbe implements AutoCloseable {
    public static final Duration EVERY = Duration.ofMillis(25);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final CaddySite site;
    private final String path;
    private final List<String> failures = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int requests;

    private SiteProbe(CaddySite site, String path) {
        this.site = site;
        this.path = path;
        this.thread = new Thread(this::loop, "site-probe");
        thread.setDaemon(true);
    }

    public static SiteProbe start(CaddySite site, String path) {
        SiteProbe probe = new SiteProbe(site, path);
        probe.thread.start();
        return probe;
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    private void loop() {
        while (running) {
            Instant at = Instant.now();
            String failure;
            try {
                HttpResponse<String> answer = site.get(path, TIMEOUT);
                failure = answer.statusCode() == 200 ? null : "status " + answer.statusCode();
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                return; // closed while waiting: not a request the site failed
            }
            synchronized (this) {
                requests++;
                if (failure != null) {
                    failures.add(at + " " + failure);
                }
            }
            long rest = EVERY.toMillis() - Duration.between(at, Instant.now()).toMillis();
            if (rest > 0) {
                try {
                    Thread.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            // Let the request under way finish (it counts); interrupt only one that hangs.
            thread.join(TIMEOUT.toMillis() + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
