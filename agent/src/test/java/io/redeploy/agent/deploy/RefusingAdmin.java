package io.redeploy.agent.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Caddy's admin API as seen through a guard that refuses every change: reads ({@code GET}) go to the real admin API,
 * a config change gets the {@code 400} and error text Caddy answers for a config it cannot load, so a test sees a
 * running Caddy refuse a switch.
 */
final class RefusingAdmin implements AutoCloseable {
    private final HttpServer server;

    private RefusingAdmin(HttpServer server) {
        this.server = server;
    }

    static RefusingAdmin in(URI admin) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.getRequestBody().readAllBytes();
                    answer(exchange, 400, "{\"error\":\"loading new config: refused by the test's guard\"}");
                    return;
                }
                HttpURLConnection real = (HttpURLConnection)
                        admin.resolve(exchange.getRequestURI().toString())
                                .toURL()
                                .openConnection();
                int status = real.getResponseCode();
                InputStream body = status >= 400 ? real.getErrorStream() : real.getInputStream();
                answer(exchange, status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
        server.start();
        return new RefusingAdmin(server);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
