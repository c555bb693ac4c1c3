package io.redeploy.survey.web;

import io.javalin.http.Context;

/**
 * The app's cookies, always HttpOnly, with an explicit SameSite and, unless configured off for plain-HTTP
 * development, Secure. Written by hand so every flag is visible in one place.
 */
public final class Cookies {
    public static final String SESSION = "survey_session";
    public static final String CSRF = "survey_csrf";
    public static final String RESPONDENT = "survey_respondent";

    private final boolean secure;

    public Cookies(boolean secure) {
        this.secure = secure;
    }

    /** Sets a cookie; {@code maxAgeSeconds} negative means "until the browser closes". */
    public void set(Context ctx, String name, String value, long maxAgeSeconds, String sameSite) {
        StringBuilder header =
                new StringBuilder().append(name).append('=').append(value).append("; Path=/");
        if (maxAgeSeconds >= 0) {
            header.append("; Max-Age=").append(maxAgeSeconds);
        }
        header.append("; HttpOnly; SameSite=").append(sameSite);
        if (secure) {
            header.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", header.toString());
    }

    public void clear(Context ctx, String name) {
        set(ctx, name, "", 0, "Lax");
    }
}
