package io.redeploy.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete response, built before anything is sent, so a failure while building it can still become a 500. */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    /** RFC 9457 problem details; {@code error} and {@code message} stay for clients written before. */
    static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";

    private static final ObjectWriter WRITER = new ObjectMapper().writerWithDefaultPrettyPrinter(); // immutable

    Response {
        headers = Map.copyOf(headers);
    }

    static Response json(int status, JsonNode body) {
        return json(status, body, Map.of());
    }

    static Response json(int status, JsonNode body, Map<String, String> headers) {
        try {
            byte[] bytes = (WRITER.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
            return new Response(status, JSON, bytes, headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response html(int status, String page, Map<String, String> headers) {
        return new Response(status, HTML, page.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** 303 See Other: after a form post the browser loads {@code location} with GET (no repost on reload). */
    static Response seeOther(String location, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Location", location);
        return new Response(303, HTML, new byte[0], all);
    }

    static Response problem(HttpProblem problem) {
        var body = JsonNodeFactory.instance
                .objectNode()
                .put("type", "about:blank")
                .put("title", problem.code())
                .put("status", problem.status())
                .put("detail", problem.getMessage())
                .put("error", problem.code())
                .put("message", problem.getMessage());
        Response json = json(problem.status(), body, problem.headers());
        return new Response(json.status(), PROBLEM_JSON, json.body(), json.headers());
    }
}
