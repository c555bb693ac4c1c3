package io.redeploy.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Raw Engine API requests over docker-java's transport, on unversioned paths so that every engine answers at its own
 * API version. Each request asks for {@code Connection: close}, as the agent's other engine calls do: a dockerd that
 * is going away is then noticed at the next call instead of being served by a connection it still drains.
 */
public final class EngineHttp implements AutoCloseable {
    private static final int MAX_ERROR_CHARS = 400;
    private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    /** An engine answer: the status and, for 2xx, the JSON body; otherwise the engine's error message. */
    public record Answer(int status, JsonNode body, String error) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body of a 2xx answer; otherwise a {@link DockerGatewayException} saying what could not be done. */
        public JsonNode orThrow(String what) {
            if (!ok()) {
                throw new DockerGatewayException("could not " + what + ": " + error + " (HTTP " + status + ")");
            }
            return body;
        }
    }

    /** {@code text} as one path segment or query value of an Engine API URL. */
    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private final DockerHttpClient http;
    private final ObjectMapper json;
    private final BiFunction<String, Exception, RuntimeException> noAnswer;

    /** @param noAnswer the exception for an engine that did not answer at all, given a message and the cause */
    public EngineHttp(
            DockerHttpClient http, ObjectMapper json, BiFunction<String, Exception, RuntimeException> noAnswer) {
        this.http = http;
        this.json = json;
        this.noAnswer = noAnswer;
    }

    public Answer get(String path, String what) {
        return send(DockerHttpClient.Request.Method.GET, path, null, Map.of(), what);
    }

    public Answer post(String path, JsonNode body, Map<String, String> headers, String what) {
        return send(DockerHttpClient.Request.Method.POST, path, body, headers, what);
    }

    private Answer send(
            DockerHttpClient.Request.Method method,
            String path,
            JsonNode body,
            Map<String, String> headers,
            String what) {
        DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder()
                .method(method)
                .path(path)
                .putHeader("Connection", "close")
                .putAllHeaders(headers);
        if (body != null) {
            request.putHeader("Content-Type", "application/json")
                    .bodyBytes(body.toString().getBytes(StandardCharsets.UTF_8));
        }
        try (DockerHttpClient.Response response = http.execute(request.build())) {
            int status = response.getStatusCode();
            byte[] bytes = readBounded(response.getBody());
            if (status >= 200 && status < 300) {
                JsonNode parsed = bytes.length == 0 ? json.nullNode() : json.readTree(bytes);
                return new Answer(status, parsed, "");
            }
            return new Answer(status, json.nullNode(), errorMessage(bytes, status));
        } catch (IOException | RuntimeException e) {
            // The transport's message names the socket or host, never a request header.
            throw noAnswer.apply(
                    "cannot " + what + ": the Docker engine did not answer ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    e);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IOException("answer larger than " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    /** The engine's {@code {"message": ...}}, or the raw text, shortened to one readable line. */
    private String errorMessage(byte[] bytes, int status) {
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        try {
            JsonNode n = json.readTree(text);
            if (n != null && n.hasNonNull("message")) {
                text = n.get("message").asText();
            }
        } catch (IOException notJson) {
            // keep the raw text
        }
        text = text.replaceAll("\\s+", " ");
        if (text.isEmpty()) {
            text = "HTTP " + status + " without a message";
        }
        return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) + "..." : text;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
