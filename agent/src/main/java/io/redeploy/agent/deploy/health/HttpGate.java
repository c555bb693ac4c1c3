package io.redeploy.agent.deploy.health;

import io.redeploy.agent.docker.DockerGateway;
import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Ready when {@code GET http://<container>:port/path} answers 2xx or 3xx (redirects are not followed). */
public final class HttpGate extends PortGate {
    private final String path;
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
        super(docker, clock, sleeper, timeout, interval, port, network);
        this.path = path == null || path.isEmpty() ? "/" : (path.startsWith("/") ? path : "/" + path);
        this.http = HttpClient.newBuilder()
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    protected Probe probe(InetSocketAddress address) {
        String host = address.getHostString();
        URI uri =
                URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + path);
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
