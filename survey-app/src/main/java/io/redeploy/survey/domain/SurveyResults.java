package io.redeploy.survey.domain;

import java.util.List;

/** The aggregated answers of a survey, question by question. */
public record SurveyResults(Survey survey, long responseCount, List<QuestionResult> questions) {

    /** Counts for choice and rating questions, the texts for free-text ones. */
    public record QuestionResult(
            Question question, long answeredBy, List<OptionCount> counts, Double averageRating, List<String> texts) {}

    /** How many responses picked this option (or this rating value). */
    public record OptionCount(String label, long count, int percent) {}
}
