package io.redeploy.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway puts on the wire, seen by a fake engine that answers like Engine 29 (API 1.52, minimum 1.44):
 * unversioned paths, so no engine can refuse the client's API version.
 */
class DockerJavaGatewayTest {
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<String> connectionHeaders = new CopyOnWriteArrayList<>();
    private final Map<String, String> registryAuth = new java.util.concurrent.ConcurrentHashMap<>();
    private HttpServer engine;
    private DockerJavaGateway gateway;

    @BeforeEach
    void startFakeEngine() throws IOException {
        engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        engine.createContext("/", this::answer);
        engine.start();
        gateway = DockerJavaGateway.connect(
                "tcp://127.0.0.1:" + engine.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        gateway.close();
        engine.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        paths.add(exchange.getRequestMethod() + " " + path);
        connectionHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Connection")));
        String auth = exchange.getRequestHeaders().getFirst("X-Registry-Auth");
        if (auth != null) {
            registryAuth.put(
                    exchange.getRequestURI().getQuery(),
                    new String(Base64.getUrlDecoder().decode(auth), StandardCharsets.UTF_8));
        }
        if (path.endsWith("/_ping")) {
            send(exchange, 200, "OK");
        } else if (path.endsWith("/version")) {
            send(exchange, 200, "{\"Version\":\"29.0.0\",\"ApiVersion\":\"1.52\",\"MinAPIVersion\":\"1.44\"}");
        } else if (path.endsWith("/images/create")) {
            send(exchange, 200, "{\"status\":\"Status: Downloaded newer image\"}\n");
        } else if (path.contains("/containers/cut-off/")) {
            // A daemon that stops in the middle of a call: the connection closes without an answer.
            exchange.close();
        } else if (path.endsWith("/containers/create")) {
            send(exchange, 500, "{\"message\":\"Conflict. The container name \\\"/web\\\" is already in use\"}");
        } else {
            send(exchange, 404, "{\"message\":\"No such container: x\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        exchange.getResponseHeaders().add("Api-Version", "1.52");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void sendsUnversionedPathsSoTheEngineAnswersAtItsOwnApiVersion() {
        gateway.ping();

        assertThat(gateway.version()).isEqualTo("29.0.0 (API 1.52)");
        assertThat(paths).containsExactly("GET /_ping", "GET /version");
    }

    @Test
    void pullSendsOnlyTheConfiguredCredentials() {
        gateway.pull(
                "127.0.0.1:5001/acme/app",
                "sha256:" + "a".repeat(64),
                new RegistryAuth("127.0.0.1:5001", Optional.of("tester"), Optional.of("pw")),
                Duration.ofSeconds(10));
        gateway.pull(
                "127.0.0.1:5000/acme/app",
                "sha256:" + "b".repeat(64),
                RegistryAuth.anonymous("127.0.0.1:5000"),
                Duration.ofSeconds(10));

        assertThat(paths).containsExactly("POST /images/create", "POST /images/create");
        assertThat(registryAuth).hasSize(2);
        registryAuth.forEach((query, auth) -> {
            if (query.contains("5001")) {
                assertThat(auth).contains("\"username\":\"tester\"").contains("\"password\":\"pw\"");
            } else {
                assertThat(auth).contains("\"username\":null").contains("\"password\":null");
            }
        });
    }

    @Test
    void missingObjectsAreEmptyAndEngineErrorsBecomeOneReadableSentence() {
        assertThat(gateway.inspectContainer("nope")).isEmpty();
        assertThat(gateway.inspectImage("nope")).isEmpty();
        gateway.remove("nope"); // idempotent

        assertThatThrownBy(() -> gateway.create(new ContainerSpec(
                        "web",
                        "img",
                        Map.of("K", "v"),
                        List.of(),
                        List.of(),
                        Optional.empty(),
                        List.of(),
                        Map.of(),
                        "no",
                        Optional.empty(),
                        Duration.ofSeconds(1))))
                .isInstanceOf(DockerGatewayException.class)
                .hasMessage(
                        "could not create container web: Conflict. The container name \"/web\" is already in use (HTTP 500)");
    }

    @Test
    void anEngineThatDoesNotAnswerFailsThePing() {
        engine.stop(0);
        assertThatThrownBy(gateway::ping)
                .isInstanceOf(DockerUnreachableException.class)
                .hasMessageStartingWith("could not ping");
    }

    @Test
    void everyRequestGoesOnAConnectionOfItsOwn() {
        // A stopping daemon still serves open connections: the agent must not keep using one (ConnectionPerRequest).
        gateway.ping();
        gateway.inspectContainer("nope");
        gateway.ping();

        assertThat(connectionHeaders).containsExactly("close", "close", "close");
    }

    @Test
    void aConnectionThatClosesWithoutAnAnswerIsAnUnreachableEngine() {
        assertThatThrownBy(() -> gateway.inspectContainer("cut-off"))
                .isInstanceOf(DockerUnreachableException.class)
                .hasMessageStartingWith("could not inspect container cut-off");
    }

    @Test
    void anErrorTheEngineAnsweredWithIsNotAnUnreachableEngine() {
        assertThatThrownBy(() -> gateway.create(new ContainerSpec(
                        "web",
                        "img",
                        Map.of(),
                        List.of(),
                        List.of(),
                        Optional.empty(),
                        List.of(),
                        Map.of(),
                        "no",
                        Optional.empty(),
                        Duration.ofSeconds(1))))
                .isInstanceOf(DockerGatewayException.class)
                .isNotInstanceOf(DockerUnreachableException.class);
        assertThat(DockerCalls.engineUnreachable(new RuntimeException(new java.net.SocketException("Broken pipe"))))
                .isTrue();
        assertThat(DockerCalls.engineUnreachable(new IllegalStateException("bug")))
                .isFalse();
    }
}
