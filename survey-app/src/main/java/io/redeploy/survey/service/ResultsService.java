package io.redeploy.survey.service;

import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.ResponseRow;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyResults;
import io.redeploy.survey.domain.SurveyResults.OptionCount;
import io.redeploy.survey.domain.SurveyResults.QuestionResult;
import io.redeploy.survey.repo.ResponseRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Aggregates a survey's responses for the results page, the API and the CSV export. */
public final class ResultsService {
    private final SurveyService surveys;
    private final ResponseRepository responses;

    public ResultsService(SurveyService surveys, ResponseRepository responses) {
        this.surveys = surveys;
        this.responses = responses;
    }

    public SurveyResults results(long ownerId, long surveyId) {
        Survey survey = surveys.get(ownerId, surveyId);
        List<ResponseRow> rows = responses.listWithAnswers(surveyId);
        List<QuestionResult> results =
                survey.questions().stream().map(q -> aggregate(q, rows)).toList();
        return new SurveyResults(survey, rows.size(), results);
    }

    /** One line per response, one column per question; see {@link CsvExport}. */
    public String csv(long ownerId, long surveyId) {
        Survey survey = surveys.get(ownerId, surveyId);
        return CsvExport.write(survey, responses.listWithAnswers(surveyId));
    }

    private static QuestionResult aggregate(Question q, List<ResponseRow> rows) {
        List<Answer> answers = new ArrayList<>();
        Set<Long> answeredBy = new HashSet<>();
        for (ResponseRow row : rows) {
            for (Answer a : row.answers()) {
                if (a.questionId() == q.id()) {
                    answers.add(a);
                    answeredBy.add(row.id());
                }
            }
        }
        long respondents = answeredBy.size();
        return switch (q.type()) {
            case TEXT ->
                new QuestionResult(
                        q,
                        respondents,
                        List.of(),
                        null,
                        answers.stream().map(Answer::text).toList());
            case RATING -> {
                List<OptionCount> counts = new ArrayList<>();
                for (int value = 1; value <= QuestionType.RATING_MAX; value++) {
                    int v = value;
                    counts.add(count(
                            String.valueOf(v),
                            answers.stream()
                                    .filter(a -> a.rating() != null && a.rating() == v)
                                    .count(),
                            respondents));
                }
                Double average = answers.isEmpty()
                        ? null
                        : answers.stream().mapToInt(Answer::rating).average().orElse(0);
                yield new QuestionResult(q, respondents, counts, average, List.of());
            }
            case SINGLE_CHOICE, MULTIPLE_CHOICE -> {
                List<OptionCount> counts = new ArrayList<>();
                for (Choice c : q.options()) {
                    counts.add(count(
                            c.label(),
                            answers.stream()
                                    .filter(a -> a.optionId() != null && a.optionId() == c.id())
                                    .count(),
                            respondents));
                }
                yield new QuestionResult(q, respondents, counts, null, List.of());
            }
        };
    }

    // Percent of the respondents who answered this question (multiple choice can sum over 100).
    private static OptionCount count(String label, long count, long respondents) {
        int percent = respondents == 0 ? 0 : (int) Math.round(100.0 * count / respondents);
        return new OptionCount(label, count, percent);
    }
}
