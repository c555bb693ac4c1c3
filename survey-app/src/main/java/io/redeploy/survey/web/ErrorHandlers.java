package io.redeploy.survey.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.redeploy.survey.db.DataAccessException;
import io.redeploy.survey.service.ConflictException;
import io.redeploy.survey.service.NotFoundException;
import io.redeploy.survey.service.RespondentRejectedException;
import io.redeploy.survey.service.TooManyRequestsException;
import io.redeploy.survey.service.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a page or a JSON error: users never see a stack trace. Expected failures
 * (not found, conflict, bad input) are answered quietly; anything else is logged with its trace.
 */
public final class ErrorHandlers {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandlers.class);
    private static final String HANDLED = "errorHandled";
    private static final String NOTHING_HERE = "There is nothing at this address.";
    private static final String WRONG_METHOD = "This address does not accept that request.";

    private final Templates templates;

    public ErrorHandlers(Templates templates) {
        this.templates = templates;
    }

    public void register(RoutesConfig routes) {
        routes.exception(NotFoundException.class, (e, ctx) -> respond(ctx, 404, "Not found", e.getMessage(), null));
        routes.exception(ConflictException.class, (e, ctx) -> respond(ctx, 409, "Not possible", e.getMessage(), null));
        routes.exception(
                ValidationException.class,
                (e, ctx) -> respond(ctx, 422, "Invalid input", "Some fields need attention.", e.errors()));
        routes.exception(
                CsrfRejectedException.class, (e, ctx) -> respond(ctx, 403, "Request refused", e.getMessage(), null));
        routes.exception(
                RespondentRejectedException.class,
                (e, ctx) -> respond(ctx, 403, "Answers not accepted", e.getMessage(), null));
        routes.exception(TooManyRequestsException.class, (e, ctx) -> {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            respond(ctx, 429, "Too many requests", e.getMessage(), null);
        });
        routes.exception(
                ApiUnauthorizedException.class, (e, ctx) -> respond(ctx, 401, "Not signed in", e.getMessage(), null));
        routes.exception(AuthRequiredException.class, (e, ctx) -> {
            if (RequestGuards.isApi(ctx)) {
                respond(ctx, 401, "Not signed in", "Sign in first: POST /api/session.", null);
            } else {
                ctx.attribute(HANDLED, true);
                ctx.redirect("/login", HttpStatus.SEE_OTHER);
            }
        });
        // Javalin's own responses (unknown route, wrong method, body too large): our wording, not its internals.
        routes.exception(
                HttpResponseException.class,
                (e, ctx) -> respond(
                        ctx,
                        e.getStatus(),
                        HttpStatus.forStatus(e.getStatus()).getMessage(),
                        switch (e.getStatus()) {
                            case 404 -> NOTHING_HERE;
                            case 405 -> WRONG_METHOD;
                            default -> "The request could not be handled.";
                        },
                        null));
        routes.exception(DataAccessException.class, (e, ctx) -> {
            if (e.isUnavailable()) {
                // An outage, not a bug: one line, no trace; /health reports it to the agent too.
                log.warn(
                        "event=db.unavailable method={} path={} error=\"{}\"",
                        ctx.method(),
                        ctx.path(),
                        e.getMessage());
                respond(
                        ctx,
                        503,
                        "Temporarily unavailable",
                        "The database cannot be reached. Please try again " + "in a moment.",
                        null);
            } else {
                unexpected(ctx, e);
            }
        });
        routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));

        // Unmatched routes and 405s: Javalin sets the status, we provide the body.
        routes.error(404, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                respond(ctx, 404, "Not found", NOTHING_HERE, null);
            }
        });
        routes.error(405, ctx -> {
            if (ctx.attribute(HANDLED) == null) {
                respond(ctx, 405, "Method not allowed", WRONG_METHOD, null);
            }
        });
    }

    private void unexpected(Context ctx, Exception e) {
        log.error(
                "event=http.error method={} path={} error={}",
                ctx.method(),
                ctx.path(),
                e.getClass().getSimpleName(),
                e);
        respond(ctx, 500, "Something went wrong", "The error has been logged. Please try again later.", null);
    }

    private void respond(Context ctx, int status, String title, String message, Map<String, String> fields) {
        ctx.attribute(HANDLED, true);
        if (RequestGuards.isApi(ctx)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            if (fields != null) {
                body.put("fields", fields);
            }
            ctx.status(status).json(body);
            return;
        }
        StringBuilder text = new StringBuilder(message);
        if (fields != null) {
            fields.values().forEach(v -> text.append(' ').append(v));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", PageRoutes.page(ctx, title));
        params.put("heading", title);
        params.put("message", text.toString());
        templates.render(ctx, status, "message.jte", params);
    }
}
