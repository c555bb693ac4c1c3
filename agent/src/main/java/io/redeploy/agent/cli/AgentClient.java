package io.redeploy.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to the agent's endpoint, with the token when there is one; an agent that does not answer is an exception. */
final class AgentClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Endpoint endpoint;
    private final HttpClient http;

    AgentClient(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    /** The agent did not answer: not started, another address, or hung. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message, null, false, false);
        }
    }

    /** The status and the body as text (and as JSON when it is JSON). */
    record Answer(int status, String text, JsonNode json) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    Answer get(String pathAndQuery) throws UnreachableException {
        HttpRequest.Builder request = request(pathAndQuery);
        // The read token when there is one (least privilege); else the trigger token, which the agent accepts for
        // reads.
        endpoint.readToken().ifPresent(t -> request.setHeader("Authorization", "Bearer " + t));
        return send(request.GET());
    }

    Answer post(String pathAndQuery) throws UnreachableException {
        return send(request(pathAndQuery).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.base() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        endpoint.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }

    private Answer send(HttpRequest.Builder request) throws UnreachableException {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = JSON.createObjectNode();
            }
            return new Answer(response.statusCode(), response.body(), json == null ? JSON.createObjectNode() : json);
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException
                    ? "connection refused"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UnreachableException("the agent is not running at " + endpoint + " (" + why + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while asking the agent at " + endpoint);
        }
    }
}
