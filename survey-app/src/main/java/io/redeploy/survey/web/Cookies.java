package io.redeploy.survey.web;

import io.javalin.http.Context;

/**
 * The app's cookies, always HttpOnly, with an explicit SameSite and, unless configured off for plain-HTTP
 * development, Secure. Written by hand so every flag is visible in one place.
 *
 * <p>With secure cookies every name carries the {@code __Host-} prefix: browsers then accept the cookie only
 * from this very host over HTTPS, with {@code Path=/} and no {@code Domain}, so neither a sibling subdomain nor a
 * man in the middle on plain HTTP can plant one (which would defeat the double-submit CSRF check). Only the
 * prefixed name is ever read. On plain HTTP the prefix is impossible, so the bare names are used.
 */
public final class Cookies {
    public static final String SESSION = "survey_session";
    public static final String CSRF = "survey_csrf";
    public static final String RESPONDENT = "survey_respondent";
    static final String HOST_PREFIX = "__Host-";

    private final boolean secure;

    public Cookies(boolean secure) {
        this.secure = secure;
    }

    /** The name the cookie {@code base} has on the wire. */
    public String name(String base) {
        return secure ? HOST_PREFIX + base : base;
    }

    /** The cookie's value as the browser sent it under {@link #name}, or null. */
    public String get(Context ctx, String base) {
        return ctx.cookie(name(base));
    }

    /** Sets a cookie; {@code maxAgeSeconds} negative means "until the browser closes". */
    public void set(Context ctx, String base, String value, long maxAgeSeconds, String sameSite) {
        StringBuilder header =
                new StringBuilder().append(name(base)).append('=').append(value).append("; Path=/");
        if (maxAgeSeconds >= 0) {
            header.append("; Max-Age=").append(maxAgeSeconds);
        }
        header.append("; HttpOnly; SameSite=").append(sameSite);
        if (secure) {
            header.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", header.toString());
    }

    public void clear(Context ctx, String base) {
        set(ctx, base, "", 0, "Lax");
    }
}
