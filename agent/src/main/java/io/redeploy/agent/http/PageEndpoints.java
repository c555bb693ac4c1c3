package io.redeploy.agent.http;

import io.redeploy.agent.config.Secret;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.AuditRecord;
import io.redeploy.agent.state.StateStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page: {@code GET /} (open like {@code /status}), {@code POST /ui/signin} (the trigger token, once, for the
 * operator cookie), {@code POST /ui/signout} and {@code POST /ui/action} (trigger, hold, release, rollback, approve; needs the
 * cookie and the form's CSRF token). Forms answer with a redirect to {@code /}; refusals with a short HTML page.
 */
final class PageEndpoints {
    /** Deploys per service the timeline shows. */
    static final int TIMELINE_RECORDS = 30;

    /** No script, no framing, forms only to this origin; inline style is the page's only extra. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "Referrer-Policy",
            "no-referrer");

    private static final Logger log = LoggerFactory.getLogger(PageEndpoints.class);
    private static final String BY = "page";

    private final AgentControl control;
    private final StateStore state;
    private final AuditLog audit;
    private final Optional<TokenGuard> token;
    private final Optional<OperatorSession> session;
    private final Clock clock;

    PageEndpoints(
            AgentControl control,
            StateStore state,
            AuditLog audit,
            Optional<Secret> triggerToken,
            boolean secureCookie,
            Clock clock) {
        this.control = control;
        this.state = state;
        this.audit = audit;
        this.token = triggerToken.map(TokenGuard::new);
        this.session = triggerToken.map(t -> new OperatorSession(t, secureCookie));
        this.clock = clock;
    }

    Map<String, Endpoint> byPath() {
        return Map.of(
                "/", new Endpoint(Endpoints.READ, Set.of(), this::page),
                "/ui/signin", new Endpoint(Endpoints.WRITE, Set.of(), this::signIn),
                "/ui/signout", new Endpoint(Endpoints.WRITE, Set.of(), this::signOut),
                "/ui/action", new Endpoint(Endpoints.WRITE, Set.of(), this::action));
    }

    private Response page(Request request) {
        boolean signedIn = session.isPresent() && session.get().signedIn(request.header("Cookie"));
        Map<String, List<AuditRecord>> history = new TreeMap<>();
        Set<String> names = new TreeSet<>(control.serviceNames());
        for (String name : names) {
            history.put(
                    name,
                    audit.read(Optional.of(name), Optional.empty(), Optional.empty(), TIMELINE_RECORDS)
                            .records());
        }
        StatusPage.View view = new StatusPage.View(
                names.stream().map(state::get).toList(),
                history,
                control.lastPollFinished(),
                control.nextPoll(),
                clock.instant(),
                session.isPresent(),
                signedIn ? Optional.of(session.get().csrfToken()) : Optional.empty());
        return Response.html(200, StatusPage.render(view), SECURITY_HEADERS);
    }

    private Response signIn(Request request) throws HttpProblem {
        if (session.isEmpty()) {
            return refusal(
                    503, "Sign-in disabled", "no trigger token is configured, so there is nothing to sign in with");
        }
        QueryParams form = form(request, Set.of("token"));
        Optional<String> presented = form.text("token");
        TokenGuard.Verdict verdict = presented.isEmpty()
                ? TokenGuard.Verdict.MISSING
                : token.get().check(Optional.of("Bearer " + presented.get()));
        if (verdict != TokenGuard.Verdict.ACCEPTED) {
            Event.warn(log, "http.unauthorized")
                    .with("path", "/ui/signin")
                    .with("remote", request.remote())
                    .reason(verdict.name().toLowerCase(java.util.Locale.ROOT))
                    .log();
            return refusal(401, "Sign-in refused", "that is not the trigger token");
        }
        Event.info(log, "page.signed_in").with("remote", request.remote()).log();
        return Response.seeOther("/", Map.of("Set-Cookie", session.get().signInCookie()));
    }

    private Response signOut(Request request) throws HttpProblem {
        if (session.isEmpty()) {
            return Response.seeOther("/", Map.of());
        }
        Optional<Response> refused = checkOperator(request, form(request, Set.of("csrf")), "/ui/signout");
        if (refused.isPresent()) {
            return refused.get();
        }
        return Response.seeOther("/", Map.of("Set-Cookie", session.get().signOutCookie()));
    }

    private Response action(Request request) throws HttpProblem {
        if (session.isEmpty()) {
            return refusal(503, "Actions disabled", "no trigger token is configured, so actions are disabled");
        }
        QueryParams form = form(request, Set.of("csrf", "service", "action", "digest"));
        Optional<Response> refused = checkOperator(request, form, "/ui/action");
        if (refused.isPresent()) {
            return refused.get();
        }
        String action = form.text("action").orElse("");
        Optional<String> service = form.text("service");
        if (service.isPresent() && !control.serviceNames().contains(service.get())) {
            return refusal(404, "Unknown service", "no configured service is named '" + service.get() + "'");
        }
        try {
            switch (action) {
                case "trigger" -> control.triggerPoll(service);
                case "hold" -> control.hold(required(service), BY, "held from the status page");
                case "release" -> control.release(required(service), BY);
                case "rollback" ->
                    control.rollback(required(service), Optional.empty(), BY, "rolled back from the status page");
                case "approve" -> control.approve(required(service), Optional.of(digest(form)), BY);
                default -> {
                    return refusal(
                            400, "Unknown action", "the action must be trigger, hold, release, rollback or approve");
                }
            }
        } catch (AgentControl.Refused e) {
            Event.warn(log, "action.refused")
                    .with("path", "/ui/action")
                    .with("service", service.orElse("-"))
                    .with("status", e.status())
                    .reason(e.getMessage())
                    .log();
            return refusal(e.status(), "Refused", e.getMessage());
        } catch (IllegalStateException e) {
            return refusal(503, "Unavailable", "the agent cannot take it now: " + e.getMessage());
        }
        Event.info(log, "page.action")
                .with("action", action)
                .with("service", service.orElse("*"))
                .with("remote", request.remote())
                .log();
        return Response.seeOther("/", Map.of());
    }

    /** Empty when the request carries this start's operator cookie and the matching CSRF token; else the refusal. */
    private Optional<Response> checkOperator(Request request, QueryParams form, String path) throws HttpProblem {
        OperatorSession s = session.orElseThrow();
        String why = !s.signedIn(request.header("Cookie"))
                ? "not_signed_in"
                : form.text("csrf").map(s::csrfMatches).orElse(false) ? "" : "csrf_mismatch";
        if (why.isEmpty()) {
            return Optional.empty();
        }
        Event.warn(log, "http.unauthorized")
                .with("path", path)
                .with("remote", request.remote())
                .reason(why)
                .log();
        return Optional.of(
                why.equals("not_signed_in")
                        ? refusal(401, "Not signed in", "sign in with the trigger token first")
                        : refusal(403, "Refused", "the form is stale or came from another site; reload the page"));
    }

    private static String required(Optional<String> service) throws AgentControl.Refused {
        return service.orElseThrow(() -> new AgentControl.Refused(400, "bad_request", "a service is required"));
    }

    /** The page names the digest it shows, so a build found after the page was drawn is not approved with it. */
    private static String digest(QueryParams form) throws AgentControl.Refused, HttpProblem {
        return form.text("digest")
                .filter(d -> d.matches("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}"))
                .orElseThrow(() -> new AgentControl.Refused(400, "bad_request", "a full digest is required"));
    }

    private static QueryParams form(Request request, Set<String> fields) throws HttpProblem {
        return QueryParams.parse(request.body().strip(), fields);
    }

    private static Response refusal(int status, String title, String detail) {
        return Response.html(status, StatusPage.message(title, detail), SECURITY_HEADERS);
    }
}
