package io.redeploy.survey.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.redeploy.survey.db.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Javalin configured with the app's routes, guards, error pages, headers and access log. */
public final class WebServer {
    private static final Logger access = LoggerFactory.getLogger("access");

    private WebServer() {}

    public static Javalin create(
            RequestGuards guards,
            PageRoutes pages,
            ApiRoutes api,
            ErrorHandlers errors,
            Database database,
            ObjectMapper json) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = 1_000_000;
            config.jsonMapper(new JavalinJackson(json, false));
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
            });
            config.requestLogger.http((ctx, ms) -> {
                // The agent and Docker probe /health every few seconds: log only when it is not green.
                if (ctx.path().equals("/health") && ctx.status().getCode() == 200) {
                    return;
                }
                access.info(
                        "event=http.request method={} path={} status={} ms={}",
                        ctx.method(),
                        ctx.path(),
                        ctx.status().getCode(),
                        Math.round(ms));
            });

            config.routes.before(WebServer::securityHeaders);
            config.routes.before(guards::identify);
            config.routes.before(guards::csrf);
            config.routes.before(guards::requireSignIn);
            config.routes.get("/health", ctx -> health(ctx, database));
            pages.register(config.routes);
            api.register(config.routes);
            errors.register(config.routes);
        });
    }

    /** The agent's health gate: 200 only when the database answers and the schema is migrated. */
    private static void health(io.javalin.http.Context ctx, Database database) {
        boolean reachable = database.reachable();
        boolean migrated = database.migrated();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reachable && migrated ? "ok" : "unavailable");
        body.put("database", reachable ? "up" : "down");
        body.put("migrations", migrated ? "done" : "pending");
        ctx.status(reachable && migrated ? 200 : 503).json(body);
    }

    private static void securityHeaders(io.javalin.http.Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("Cache-Control", "no-store");
    }
}
