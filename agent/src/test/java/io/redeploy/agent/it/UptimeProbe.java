package io.redeploy.agent.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every 100 ms (a tick lasts as long as its requests), what a client and a monitoring system saw: the agent's {@code /healthz} status (0 when the agent did
 * not answer) and, for each service's public port, whether it answered ({@link Target}). Runs on its own thread
 * from {@link #start} to {@link #close}; the samples are judged afterwards against the agent's log.
 */
final class UptimeProbe implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    /**
     * One tick: when it started, {@code /healthz}'s status, per service whether its port answered a build, and for
     * those that did not, why (an HTTP status, a timeout, the connection refused or reset).
     */
    record Sample(Instant at, Instant end, int healthz, Map<String, Boolean> up, Map<String, String> failures) {
        Sample(Instant at, int healthz, Map<String, Boolean> up) {
            this(at, at.plusMillis(10), healthz, up, Map.of());
        }
    }

    private final int agentPort;
    /**
     * What "up" means for one public port: {@code GET path} answered 200 (with a body starting {@code build=} when
     * {@code buildBody}), or, with no path, a TCP connection accepted (a database).
     */
    record Target(int port, String path, boolean buildBody) {
        static Target buildAnswer(int port) {
            return new Target(port, "/", true);
        }

        static Target ok(int port, String path) {
            return new Target(port, path, false);
        }

        static Target tcp(int port) {
            return new Target(port, null, false);
        }
    }

    private final Map<String, Target> servicePorts;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private UptimeProbe(int agentPort, Map<String, Target> servicePorts) {
        this.agentPort = agentPort;
        this.servicePorts = Map.copyOf(servicePorts);
        this.thread = new Thread(this::loop, "uptime-probe");
        thread.setDaemon(true);
    }

    static UptimeProbe start(int agentPort, Map<String, Target> servicePorts) {
        UptimeProbe probe = new UptimeProbe(agentPort, servicePorts);
        probe.thread.start();
        return probe;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    private void loop() {
        while (running) {
            Instant at = Instant.now();
            int healthz = status("http://127.0.0.1:" + agentPort + "/healthz");
            Map<String, Boolean> up = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            servicePorts.forEach((service, target) -> {
                String failure = failure(target);
                up.put(service, failure.isEmpty());
                if (!failure.isEmpty()) failures.put(service, failure);
            });
            synchronized (this) {
                samples.add(new Sample(at, Instant.now(), healthz, up, failures));
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

    private static int status(String url) {
        try {
            return HTTP.send(get(url), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Empty when the target answered as {@link Target} says, else why not. */
    private static String failure(Target target) {
        Instant start = Instant.now();
        try {
            if (target.path() == null) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", target.port()), (int) TIMEOUT.toMillis());
                    return "";
                }
            }
            HttpResponse<String> r = HTTP.send(
                    get("http://127.0.0.1:" + target.port() + target.path()), HttpResponse.BodyHandlers.ofString());
            boolean up =
                    r.statusCode() == 200 && (!target.buildBody() || r.body().startsWith("build="));
            return up ? "" : "status " + r.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + " after "
                    + Duration.between(start, Instant.now()).toMillis() + " ms"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
