package io.redeploy.agent.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redeploy.agent.log.Event;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/approve?service=&digest=}: approves the digest of a {@code policy: approve} service that waits for
 * approval and queues its deploy. Guarded like the other actions ({@link ActionEndpoints}): the trigger token, and a
 * refusal is a problem body (400 malformed digest, 404 unknown service, 409 nothing pending, another digest pending,
 * approved already) with one {@code action.refused} line; nothing is touched then.
 */
final class ApprovalEndpoints {
    static final String PATH = "/v1/approve";
    private static final Logger log = LoggerFactory.getLogger(ApprovalEndpoints.class);
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{8,64}|sha512:[a-f0-9]{8,128}");

    private final AgentControl control;
    private final Optional<TokenGuard> token;

    ApprovalEndpoints(AgentControl control, Optional<TokenGuard> token) {
        this.control = control;
        this.token = token;
    }

    Map<String, Endpoint> byPath() {
        return Map.of(PATH, new Endpoint(Endpoints.WRITE, Set.of("service", "digest", "by"), this::approve));
    }

    private Response approve(Request request) throws HttpProblem {
        BearerCheck.require(token, request, PATH); // logs its own line
        try {
            QueryParams q = request.query();
            String service = OperatorInput.service(q);
            Optional<String> digest = digest(q);
            String by = OperatorInput.by(q);
            AgentControl.Approved approved = ActionEndpoints.ask(() -> control.approve(service, digest, by));
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", "approved");
            body.put("service", service);
            body.put("digest", approved.digest());
            body.put("by", approved.by());
            body.put("at", approved.at().toString());
            return Response.json(202, body);
        } catch (HttpProblem problem) {
            Event.warn(log, "action.refused")
                    .with("path", PATH)
                    .with("service", request.query().text("service").orElse("-"))
                    .with("status", problem.status())
                    .reason(problem.getMessage())
                    .log();
            throw problem;
        }
    }

    private static Optional<String> digest(QueryParams query) throws HttpProblem {
        Optional<String> digest = query.text("digest");
        if (digest.isPresent() && !DIGEST.matcher(digest.get()).matches()) {
            throw new HttpProblem(
                    400,
                    "bad_request",
                    "query parameter 'digest' must be a digest such as sha256:1a2b3c4d5e6f (at least 8 hex digits)");
        }
        return digest;
    }
}
