package io.redeploy.agent.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.Hold;
import io.redeploy.agent.state.StateJson;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's actions on one service: {@code POST /v1/rollback}, {@code /v1/hold}, {@code /v1/release}. Each needs
 * the trigger token; the agent ({@link AgentControl}) checks the request against its state and logs what it did. A
 * refusal is a problem body (404 unknown service or digest, 409 conflict) and one {@code action.refused} line; nothing
 * is touched then.
 */
final class ActionEndpoints {
    private static final Logger log = LoggerFactory.getLogger(ActionEndpoints.class);

    private final AgentControl control;
    private final Optional<TokenGuard> token;

    ActionEndpoints(AgentControl control, Optional<TokenGuard> token) {
        this.control = control;
        this.token = token;
    }

    Map<String, Endpoint> byPath() {
        return Map.of(
                "/v1/rollback",
                new Endpoint(
                        Endpoints.WRITE,
                        Set.of("service", "to", "reason", "by"),
                        r -> guarded("/v1/rollback", r, this::rollback)),
                "/v1/hold",
                new Endpoint(
                        Endpoints.WRITE, Set.of("service", "reason", "by"), r -> guarded("/v1/hold", r, this::hold)),
                "/v1/release",
                new Endpoint(Endpoints.WRITE, Set.of("service", "by"), r -> guarded("/v1/release", r, this::release)));
    }

    private Response guarded(String path, Request request, Endpoint.Handler action) throws HttpProblem {
        BearerCheck.require(token, request, path); // logs its own line
        try {
            return action.handle(request);
        } catch (HttpProblem problem) {
            Event.warn(log, "action.refused")
                    .with("path", path)
                    .with("service", request.query().text("service").orElse("-"))
                    .with("status", problem.status())
                    .reason(problem.getMessage())
                    .log();
            throw problem;
        }
    }

    private Response rollback(Request request) throws HttpProblem {
        QueryParams q = request.query();
        String service = OperatorInput.service(q);
        Optional<String> to = OperatorInput.digest(q);
        String by = OperatorInput.by(q);
        String reason = OperatorInput.reason(q);
        AgentControl.Rollback rollback = ask(() -> control.rollback(service, to, by, reason));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", "queued");
        body.put("service", service);
        body.put("from", rollback.from().orElse(null));
        body.put("to", rollback.to());
        body.set("hold", StateJson.holdJson(rollback.hold()));
        return Response.json(202, body);
    }

    private Response hold(Request request) throws HttpProblem {
        QueryParams q = request.query();
        String service = OperatorInput.service(q);
        String by = OperatorInput.by(q);
        String reason = OperatorInput.reason(q);
        Hold hold = ask(() -> control.hold(service, by, reason));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", "held");
        body.put("service", service);
        body.set("hold", StateJson.holdJson(hold));
        return Response.json(200, body);
    }

    private Response release(Request request) throws HttpProblem {
        QueryParams q = request.query();
        String service = OperatorInput.service(q);
        String by = OperatorInput.by(q);
        Hold released = ask(() -> control.release(service, by));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", "released");
        body.put("service", service);
        body.set("released", StateJson.holdJson(released));
        return Response.json(200, body);
    }

    interface Action<T> {
        T run() throws AgentControl.Refused;
    }

    static <T> T ask(Action<T> action) throws HttpProblem {
        try {
            return action.run();
        } catch (AgentControl.Refused refused) {
            throw new HttpProblem(refused.status(), refused.code(), refused.getMessage());
        } catch (IllegalStateException e) {
            throw new HttpProblem(503, "unavailable", "the agent cannot take it now: " + e.getMessage());
        }
    }
}
