package io.redeploy.agent.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.StateJson;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The first four routes. They read the state store, the metrics and {@link AgentControl}; never Docker directly. */
final class Endpoints {
    static final Set<String> READ = Set.of("GET", "HEAD");
    static final Set<String> WRITE = Set.of("POST");

    private static final Logger log = LoggerFactory.getLogger(Endpoints.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AgentControl control;
    private final StateStore state;
    private final AgentMetrics metrics;
    private final Optional<TokenGuard> triggerToken;
    private final Clock clock;
    private final Instant startedAt;

    Endpoints(
            AgentControl control,
            StateStore state,
            AgentMetrics metrics,
            Optional<TokenGuard> triggerToken,
            Clock clock) {
        this.control = control;
        this.state = state;
        this.metrics = metrics;
        this.triggerToken = triggerToken;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    Map<String, Endpoint> byPath() {
        return Map.of(
                "/healthz", new Endpoint(READ, Set.of(), this::health),
                "/status", new Endpoint(READ, Set.of("service", "history"), this::status),
                "/metrics", new Endpoint(READ, Set.of(), this::metrics),
                "/v1/update", new Endpoint(WRITE, Set.of("service", "retry_failed"), this::trigger));
    }

    private Response health(Request request) {
        HealthCheck.Result result = HealthCheck.evaluate(control, clock.instant(), startedAt);
        return Response.json(result.healthy() ? 200 : 503, result.body());
    }

    /** All configured services, or one with {@code ?service=NAME}; the deploy history with {@code ?history=true} (default for one service). */
    private Response status(Request request) throws HttpProblem {
        Optional<String> only = request.query().text("service");
        Set<String> names = new TreeSet<>(control.serviceNames());
        if (only.isPresent()) {
            requireKnown(only.get(), names);
            names = Set.of(only.get());
        }
        boolean history = request.query().flag("history", only.isPresent());
        String nextPoll = control.nextPoll().map(Instant::toString).orElse(null);

        ObjectNode body = NODES.objectNode();
        body.put("generatedAt", clock.instant().toString());
        body.put(
                "lastPollFinished",
                control.lastPollFinished().map(Instant::toString).orElse(null));
        body.put("nextPoll", nextPoll);
        ArrayNode services = body.putArray("services");
        for (String name : names) {
            ObjectNode service = StateJson.toJson(state.get(name), history);
            service.put("nextPoll", nextPoll);
            services.add(service);
        }
        return Response.json(200, body);
    }

    private Response metrics(Request request) {
        return Response.text(200, AgentMetrics.CONTENT_TYPE, metrics.scrape());
    }

    /**
     * Queues a poll now. Refused with 503 while no token is configured (an open trigger on a shared host
     * would let any local user force deploys), 401 without the right bearer token, 404 for an unknown service.
     */
    private Response trigger(Request request) throws HttpProblem {
        BearerCheck.require(triggerToken, request, "/v1/update");
        Optional<String> service = request.query().text("service");
        boolean retryFailed = request.query().flag("retry_failed", false);
        Set<String> names = control.serviceNames();
        if (service.isPresent()) {
            requireKnown(service.get(), names);
        }
        int cleared = 0;
        if (retryFailed) {
            for (String name : service.map(Set::of).orElse(names)) {
                cleared += state.clearFailed(name);
            }
        }
        try {
            control.triggerPoll(service);
        } catch (IllegalStateException e) {
            throw new HttpProblem(503, "unavailable", "the agent cannot take a poll now: " + e.getMessage());
        }
        Event.info(log, "http.trigger")
                .with("service", service.orElse("*"))
                .with("retry_failed", retryFailed)
                .with("remote", request.remote())
                .log();
        ObjectNode body = NODES.objectNode();
        body.put("status", "queued");
        body.put("service", service.orElse(null));
        if (retryFailed) {
            body.put("clearedFailedDigests", cleared);
        }
        return Response.json(202, body);
    }

    private static void requireKnown(String service, Set<String> names) throws HttpProblem {
        if (!names.contains(service)) {
            throw new HttpProblem(404, "unknown_service", "no configured service is named '" + service + "'");
        }
    }
}
