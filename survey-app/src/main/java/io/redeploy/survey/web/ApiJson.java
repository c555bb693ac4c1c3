package io.redeploy.survey.web;

import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyResults;
import io.redeploy.survey.domain.SurveySummary;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of the API, kept apart from the domain so the wire format changes only on purpose. */
final class ApiJson {
    private ApiJson() {}

    record SurveyJson(
            long id,
            String slug,
            String title,
            String description,
            String status,
            Instant createdAt,
            Instant publishedAt,
            String publicPath,
            List<QuestionJson> questions) {}

    record QuestionJson(long id, int position, String text, String type, boolean required, List<OptionJson> options) {}

    record OptionJson(long id, String label) {}

    record SummaryJson(
            long id,
            String slug,
            String title,
            String status,
            Instant createdAt,
            long questionCount,
            long responseCount) {}

    record PublicSurveyJson(
            String slug,
            String title,
            String description,
            boolean acceptingAnswers,
            String respondentToken,
            List<QuestionJson> questions) {}

    record ResultsJson(long surveyId, String title, long responseCount, List<QuestionResultJson> questions) {}

    record QuestionResultJson(
            long questionId,
            String text,
            String type,
            long answeredBy,
            List<SurveyResults.OptionCount> counts,
            Double averageRating,
            List<String> texts) {}

    static SurveyJson survey(Survey s) {
        return new SurveyJson(
                s.id(),
                s.slug(),
                s.title(),
                s.description(),
                s.status().code(),
                s.createdAt(),
                s.publishedAt(),
                "/s/" + s.slug(),
                s.questions().stream().map(ApiJson::question).toList());
    }

    static PublicSurveyJson publicSurvey(Survey s, String respondentToken) {
        return new PublicSurveyJson(
                s.slug(),
                s.title(),
                s.description(),
                s.isPublished(),
                respondentToken,
                s.questions().stream().map(ApiJson::question).toList());
    }

    static SummaryJson summary(SurveySummary s) {
        return new SummaryJson(
                s.id(), s.slug(), s.title(), s.status().code(), s.createdAt(), s.questionCount(), s.responseCount());
    }

    static ResultsJson results(SurveyResults r) {
        return new ResultsJson(
                r.survey().id(),
                r.survey().title(),
                r.responseCount(),
                r.questions().stream()
                        .map(q -> new QuestionResultJson(
                                q.question().id(),
                                q.question().text(),
                                q.question().type().code(),
                                q.answeredBy(),
                                q.counts(),
                                q.averageRating(),
                                q.texts()))
                        .toList());
    }

    private static QuestionJson question(Question q) {
        return new QuestionJson(
                q.id(),
                q.position(),
                q.text(),
                q.type().code(),
                q.required(),
                q.options().stream().map(ApiJson::option).toList());
    }

    private static OptionJson option(Choice c) {
        return new OptionJson(c.id(), c.label());
    }
}
