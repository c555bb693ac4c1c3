package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Ready when {@code GET http://<container>:port/path} answers 2xx or 3xx (redirects are not followed). */
public final class HttpGate extends PollingGate {
    private final int port;
    private final String path;
    private final Optional<String> network;
    private final Duration attemptTimeout;
    private final HttpClient http;

    public HttpGate(
            DockerGateway docker,
            Clock clock,
            Sleeper sleeper,
            Duration timeout,
            Duration interval,
            int port,
            String path,
            Optional<String> network) {
        super(docker, clock, sleeper, timeout, interval);
        this.port = port;
        this.path = path == null || path.isEmpty() ? "/" : (path.startsWith("/") ? path : "/" + path);
        this.network = network;
        this.attemptTimeout = attemptTimeout(timeout);
        this.http = HttpClient.newBuilder()
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** One slow answer must not eat the whole deadline, nor may a tiny timeout make every attempt fail. */
    static Duration attemptTimeout(Duration gateTimeout) {
        Duration two = Duration.ofSeconds(2);
        return gateTimeout.compareTo(two) < 0 ? Duration.ofMillis(Math.max(200, gateTimeout.toMillis())) : two;
    }

    @Override
    protected Probe probe(ContainerInfo container, Instant now) {
        var address = ProbeAddress.of(container, port, network);
        if (address.isEmpty()) {
            return Probe.waiting("no address for port " + port + " yet");
        }
        String host = address.get().getHostString();
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + address.get().getPort() + path);
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(attemptTimeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 400
                    ? Probe.ready()
                    : Probe.waiting("GET " + path + " answered HTTP " + status);
        } catch (IOException e) {
            return Probe.waiting("GET " + path + " on port " + port + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.failed("interrupted");
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public String describe() {
        return "http:" + port + path;
    }
}
