package io.redeploy.survey.web;

import io.javalin.http.Context;
import io.redeploy.survey.service.ResponseService;
import java.time.Duration;

/**
 * The respondent's id cookie: issued by the server when a survey is opened, never minted on submission, so
 * answering again takes a new visit (and counts against the limits), not a new made-up value.
 */
public final class RespondentCookie {
    private static final long MAX_AGE_SECONDS = Duration.ofDays(365).toSeconds();

    private final ResponseService responses;
    private final Cookies cookies;

    public RespondentCookie(ResponseService responses, Cookies cookies) {
        this.responses = responses;
        this.cookies = cookies;
    }

    /** The browser's valid token, or a freshly issued one that is set as its cookie. */
    String currentOrIssue(Context ctx) {
        String token = current(ctx);
        if (!responses.isIssuedRespondentToken(token)) {
            token = responses.issueRespondentToken();
            cookies.set(ctx, Cookies.RESPONDENT, token, MAX_AGE_SECONDS, "Lax");
        }
        return token;
    }

    /** What the browser sent, valid or not (the service decides). */
    String current(Context ctx) {
        return cookies.get(ctx, Cookies.RESPONDENT);
    }
}
