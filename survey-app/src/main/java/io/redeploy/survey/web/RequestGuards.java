package io.redeploy.survey.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.service.AuthService;
import io.redeploy.survey.service.Tokens;
import java.util.Locale;
import java.util.Optional;

/**
 * Before-handlers that run ahead of every route: who is calling, CSRF protection, and which paths need a
 * signed-in surveyor.
 *
 * <p>CSRF: HTML forms use a double-submit token (a random HttpOnly, SameSite=Strict cookie that the page
 * also renders in a hidden {@code _csrf} field; a cross-site page can neither read nor set it, and with secure
 * cookies its {@code __Host-} name keeps sibling subdomains and plain-HTTP attackers from setting it). The JSON
 * API requires {@code Content-Type: application/json} on every state-changing request, which a cross-site
 * form cannot send and cross-site scripts cannot send without a CORS preflight that this app never grants.
 */
public final class RequestGuards {
    static final String USER = "user";
    static final String SESSION_TOKEN = "sessionToken";
    static final String CSRF_TOKEN = "csrf";
    static final String CSRF_FIELD = "_csrf";
    static final String CLIENT = "client";

    private final AuthService auth;
    private final Cookies cookies;
    private final Tokens tokens;
    private final ClientAddresses clients;

    public RequestGuards(AuthService auth, Cookies cookies, Tokens tokens, ClientAddresses clients) {
        this.auth = auth;
        this.cookies = cookies;
        this.tokens = tokens;
        this.clients = clients;
    }

    /**
     * Resolves the caller's address (for the limits) and the surveyor, from the session cookie or, for API clients,
     * an {@code Authorization: Bearer}.
     */
    public void identify(Context ctx) {
        ctx.attribute(CLIENT, clients.key(ctx));
        String token = bearer(ctx).orElse(cookies.get(ctx, Cookies.SESSION));
        if (token == null || token.isBlank()) {
            return;
        }
        auth.userForSession(token).ifPresent(user -> {
            ctx.attribute(USER, user);
            ctx.attribute(SESSION_TOKEN, token);
        });
    }

    public void csrf(Context ctx) {
        boolean api = isApi(ctx);
        if (!api && isPage(ctx)) {
            String token = cookies.get(ctx, Cookies.CSRF);
            if (token == null || token.isBlank()) {
                token = tokens.newToken();
                cookies.set(ctx, Cookies.CSRF, token, -1, "Strict");
            }
            ctx.attribute(CSRF_TOKEN, token);
        }
        if (!changesState(ctx.method())) {
            return;
        }
        if (api) {
            if (ctx.method() == HandlerType.DELETE) {
                return; // a cross-site page cannot send DELETE without a CORS preflight
            }
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/json")) {
                throw new CsrfRejectedException("Send JSON with Content-Type: application/json.");
            }
            return;
        }
        String cookieToken = cookies.get(ctx, Cookies.CSRF);
        String formToken = ctx.formParam(CSRF_FIELD);
        if (!Tokens.constantTimeEquals(cookieToken, formToken)) {
            throw new CsrfRejectedException("This form has expired. Go back, reload the page and try again.");
        }
    }

    /** Surveyor pages and API routes need a session; everything else is public. */
    public void requireSignIn(Context ctx) {
        String path = ctx.path();
        boolean protectedPath = path.equals("/surveys")
                || path.startsWith("/surveys/")
                || path.equals("/api/surveys")
                || path.startsWith("/api/surveys/");
        if (protectedPath && currentUser(ctx).isEmpty()) {
            throw new AuthRequiredException();
        }
    }

    /** The caller's limit key, see {@link ClientAddresses}. */
    static String client(Context ctx) {
        String client = ctx.attribute(CLIENT);
        return client == null ? "unknown" : client;
    }

    static Optional<User> currentUser(Context ctx) {
        return Optional.ofNullable(ctx.attribute(USER));
    }

    static User requireUser(Context ctx) {
        return currentUser(ctx).orElseThrow(AuthRequiredException::new);
    }

    static boolean isApi(Context ctx) {
        return ctx.path().startsWith("/api/");
    }

    /** HTML pages get a CSRF cookie; the health probe and static files do not need one. */
    private static boolean isPage(Context ctx) {
        return !ctx.path().equals("/health") && !ctx.path().startsWith("/static/");
    }

    private static boolean changesState(HandlerType method) {
        return method == HandlerType.POST
                || method == HandlerType.PUT
                || method == HandlerType.PATCH
                || method == HandlerType.DELETE;
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).trim());
        }
        return Optional.empty();
    }
}
