package io.redeploy.survey.web;

import io.javalin.http.Context;
import io.redeploy.survey.domain.Survey;

/** Sends a CSV export as a download named after the survey's public id. */
final class CsvResponse {
    private CsvResponse() {}

    static void send(Context ctx, Survey survey, String csv) {
        ctx.header("Content-Disposition", "attachment; filename=\"survey-" + survey.slug() + "-results.csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv);
    }
}
