package io.redeploy.survey.service;

/** An answer without a respondent token this server issued: answered 403. */
public final class RespondentRejectedException extends RuntimeException {
    public RespondentRejectedException() {
        super("Open the survey's link first, with cookies enabled, then send your answers: each answer needs the"
                + " respondent id this site hands out (API clients: the respondentToken of GET"
                + " /api/public/surveys/<slug>).");
    }
}
