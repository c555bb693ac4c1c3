package io.redeploy.survey.service;

import io.redeploy.survey.db.DataAccessException;
import io.redeploy.survey.domain.Answer;
import io.redeploy.survey.domain.Choice;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import io.redeploy.survey.repo.ResponseRepository;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Respondents' submissions: validated against the survey's questions, stored once per respondent, within the
 * limits per address and per survey. A respondent is identified by a token this server issued and signed (kept
 * in a cookie, or sent back by an API client); a token the client made up is refused.
 */
public final class ResponseService {
    private static final Logger log = LoggerFactory.getLogger(ResponseService.class);
    static final int MAX_TEXT_ANSWER = 5000;
    public static final String ALREADY_ANSWERED = "You have already answered this survey. Thank you!";

    private final SurveyService surveys;
    private final ResponseRepository responses;
    private final RespondentTokens respondents;
    private final SubmissionLimits limits;

    public ResponseService(
            SurveyService surveys,
            ResponseRepository responses,
            RespondentTokens respondents,
            SubmissionLimits limits) {
        this.surveys = surveys;
        this.responses = responses;
        this.respondents = respondents;
        this.limits = limits;
    }

    /** A new respondent token, for a browser or API client that has none (or an invalid one). */
    public String issueRespondentToken() {
        return respondents.issue();
    }

    public boolean isIssuedRespondentToken(String token) {
        return respondents.isValid(token);
    }

    public long responseCount(Survey survey) {
        return responses.count(survey.id());
    }

    public boolean hasResponded(Survey survey, String respondentToken) {
        return respondents.isValid(respondentToken) && responses.exists(survey.id(), Tokens.sha256(respondentToken));
    }

    /**
     * Stores the answers to a published survey.
     *
     * @param client     who sends it, for the limit per address (see {@code ClientAddresses})
     * @param rawAnswers question id to the submitted values (several for multiple choice); option answers are
     *                   option ids
     * @return the new response's id
     * @throws TooManyRequestsException    when the address or the survey is over its limit (checked first)
     * @throws RespondentRejectedException when {@code respondentToken} was not issued by this app
     * @throws ValidationException         with one entry per bad question, keyed {@code q<questionId>}
     * @throws ConflictException           when the survey is closed or this respondent already answered
     */
    public long submit(String slug, String respondentToken, String client, Map<Long, List<String>> rawAnswers) {
        limits.check(slug, client);
        Survey survey = surveys.findPublic(slug);
        if (survey.status() != SurveyStatus.PUBLISHED) {
            throw new ConflictException("This survey is closed and no longer accepts answers.");
        }
        if (!respondents.isValid(respondentToken)) {
            throw new RespondentRejectedException();
        }
        String respondentHash = Tokens.sha256(respondentToken);
        if (responses.exists(survey.id(), respondentHash)) {
            throw new ConflictException(ALREADY_ANSWERED);
        }
        List<Answer> answers = validate(survey, rawAnswers);
        try {
            long responseId = responses.save(survey.id(), respondentHash, answers);
            log.info(
                    "event=response.saved survey_id={} response_id={} answers={}",
                    survey.id(),
                    responseId,
                    answers.size());
            return responseId;
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                // Two submissions raced past the check above; the database let only one in.
                throw new ConflictException(ALREADY_ANSWERED);
            }
            throw e;
        }
    }

    static List<Answer> validate(Survey survey, Map<Long, List<String>> rawAnswers) {
        var errors = new ValidationException.Collector();
        Set<Long> known = new LinkedHashSet<>();
        survey.questions().forEach(q -> known.add(q.id()));
        for (Long id : rawAnswers.keySet()) {
            if (!known.contains(id)) {
                errors.add("q" + id, "This question is not part of the survey.");
            }
        }
        List<Answer> answers = new ArrayList<>();
        for (Question q : survey.questions()) {
            List<String> values = rawAnswers.getOrDefault(q.id(), List.of()).stream()
                    .map(Text::clean)
                    .filter(v -> !v.isEmpty())
                    .toList();
            String field = "q" + q.id();
            if (values.isEmpty()) {
                if (q.required()) {
                    errors.add(field, "This question needs an answer.");
                }
                continue;
            }
            switch (q.type()) {
                case TEXT -> {
                    String text = String.join("\n", values);
                    if (text.length() > MAX_TEXT_ANSWER) {
                        errors.add(field, "Keep your answer under " + MAX_TEXT_ANSWER + " characters.");
                    } else {
                        answers.add(Answer.text(q.id(), text));
                    }
                }
                case RATING -> {
                    Integer rating = values.size() == 1 ? parseInt(values.get(0)) : null;
                    if (rating == null || rating < 1 || rating > QuestionType.RATING_MAX) {
                        errors.add(field, "Choose a rating from 1 to " + QuestionType.RATING_MAX + ".");
                    } else {
                        answers.add(Answer.rating(q.id(), rating));
                    }
                }
                case SINGLE_CHOICE, MULTIPLE_CHOICE -> {
                    List<Long> optionIds = optionIds(q, values);
                    if (optionIds == null) {
                        errors.add(field, "Choose among the listed options.");
                    } else if (q.type() == QuestionType.SINGLE_CHOICE && optionIds.size() != 1) {
                        errors.add(field, "Choose exactly one option.");
                    } else {
                        optionIds.forEach(o -> answers.add(Answer.option(q.id(), o)));
                    }
                }
            }
        }
        errors.throwIfAny();
        return answers;
    }

    /** The distinct option ids named by {@code values}, or null when one is not an option of the question. */
    private static List<Long> optionIds(Question q, List<String> values) {
        Set<Long> valid = new LinkedHashSet<>();
        q.options().stream().map(Choice::id).forEach(valid::add);
        Set<Long> picked = new LinkedHashSet<>();
        for (String v : values) {
            Long id = parseLong(v);
            if (id == null || !valid.contains(id)) {
                return null;
            }
            picked.add(id);
        }
        return List.copyOf(picked);
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
