package io.redeploy.survey.service;

import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.domain.NewQuestion;
import io.redeploy.survey.domain.QuestionType;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.SurveyStatus;
import io.redeploy.survey.domain.SurveySummary;
import io.redeploy.survey.repo.SurveyRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a surveyor does with surveys: create, add questions while a draft, publish, close. */
public final class SurveyService {
    private static final Logger log = LoggerFactory.getLogger(SurveyService.class);
    static final int MAX_TITLE = 200;
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_QUESTION_TEXT = 500;
    static final int MAX_OPTION_LABEL = 200;
    static final int MAX_OPTIONS = 20;
    static final int MAX_QUESTIONS = 50;

    private final SurveyRepository surveys;
    private final Jdbc jdbc;
    private final Tokens tokens;
    private final Clock clock;

    public SurveyService(SurveyRepository surveys, Jdbc jdbc, Tokens tokens, Clock clock) {
        this.surveys = surveys;
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.clock = clock;
    }

    public List<SurveySummary> list(long ownerId) {
        return surveys.listByOwner(ownerId);
    }

    /** The owner's survey; someone else's survey is reported as not found. */
    public Survey get(long ownerId, long surveyId) {
        return surveys.findById(surveyId)
                .filter(s -> s.ownerId() == ownerId)
                .orElseThrow(() -> new NotFoundException("No such survey."));
    }

    public Survey create(long ownerId, String title, String description) {
        return createWithQuestions(ownerId, title, description, List.of());
    }

    /** Creates a draft with its questions in one transaction: all of it or nothing. */
    public Survey createWithQuestions(long ownerId, String title, String description, List<NewQuestion> questions) {
        var errors = new ValidationException.Collector();
        String cleanTitle = required(errors, "title", title, MAX_TITLE, "a title");
        String cleanDescription = optional(errors, "description", description, MAX_DESCRIPTION);
        if (questions.size() > MAX_QUESTIONS) {
            errors.add("questions", "A survey has at most " + MAX_QUESTIONS + " questions.");
        }
        List<ValidQuestion> valid = new ArrayList<>();
        for (int i = 0; i < questions.size() && i < MAX_QUESTIONS; i++) {
            validate(questions.get(i), "questions[" + i + "].", errors).ifPresent(valid::add);
        }
        errors.throwIfAny();
        long id = jdbc.inTransaction(() -> {
            long surveyId = surveys.create(ownerId, uniqueSlug(), cleanTitle, cleanDescription);
            valid.forEach(q -> surveys.addQuestion(surveyId, q.text, q.type, q.required, q.options));
            return surveyId;
        });
        log.info("event=survey.created survey_id={} owner_id={} questions={}", id, ownerId, valid.size());
        return get(ownerId, id);
    }

    public Survey addQuestion(long ownerId, long surveyId, NewQuestion question) {
        Survey survey = draft(ownerId, surveyId);
        var errors = new ValidationException.Collector();
        if (survey.questions().size() >= MAX_QUESTIONS) {
            errors.add("text", "A survey has at most " + MAX_QUESTIONS + " questions.");
        }
        Optional<ValidQuestion> valid = validate(question, "", errors);
        errors.throwIfAny();
        ValidQuestion q = valid.orElseThrow();
        long questionId = surveys.addQuestion(surveyId, q.text, q.type, q.required, q.options);
        log.info("event=question.added survey_id={} question_id={} type={}", surveyId, questionId, q.type.code());
        return get(ownerId, surveyId);
    }

    public Survey deleteQuestion(long ownerId, long surveyId, long questionId) {
        draft(ownerId, surveyId);
        if (!surveys.deleteQuestion(surveyId, questionId)) {
            throw new NotFoundException("No such question.");
        }
        log.info("event=question.deleted survey_id={} question_id={}", surveyId, questionId);
        return get(ownerId, surveyId);
    }

    /** Opens the survey to respondents; its questions are frozen from then on. */
    public Survey publish(long ownerId, long surveyId) {
        Survey survey = draft(ownerId, surveyId);
        if (survey.questions().isEmpty()) {
            throw new ConflictException("Add at least one question before publishing.");
        }
        surveys.updateStatus(surveyId, SurveyStatus.PUBLISHED, clock.instant());
        log.info("event=survey.published survey_id={}", surveyId);
        return get(ownerId, surveyId);
    }

    /** Stops accepting answers; results stay readable. */
    public Survey close(long ownerId, long surveyId) {
        Survey survey = get(ownerId, surveyId);
        if (!survey.isPublished()) {
            throw new ConflictException("Only a published survey can be closed.");
        }
        surveys.updateStatus(surveyId, SurveyStatus.CLOSED, null);
        log.info("event=survey.closed survey_id={}", surveyId);
        return get(ownerId, surveyId);
    }

    /** A survey as respondents see it: published or closed; drafts do not exist for them. */
    public Survey findPublic(String slug) {
        return surveys.findBySlug(slug == null ? "" : slug)
                .filter(s -> !s.isDraft())
                .orElseThrow(() -> new NotFoundException("No such survey."));
    }

    private Survey draft(long ownerId, long surveyId) {
        Survey survey = get(ownerId, surveyId);
        if (!survey.isDraft()) {
            throw new ConflictException("Questions can only be changed while the survey is a draft.");
        }
        return survey;
    }

    private record ValidQuestion(String text, QuestionType type, boolean required, List<String> options) {}

    private static Optional<ValidQuestion> validate(
            NewQuestion q, String prefix, ValidationException.Collector errors) {
        int before = errors.size();
        String text = required(errors, prefix + "text", q.text(), MAX_QUESTION_TEXT, "the question");
        Optional<QuestionType> type = QuestionType.fromCode(q.type());
        if (type.isEmpty()) {
            errors.add(prefix + "type", "Choose a question type.");
        }
        List<String> options =
                q.options().stream().map(Text::clean).filter(o -> !o.isEmpty()).toList();
        if (type.isPresent() && type.get().hasOptions()) {
            Set<String> seen = new HashSet<>();
            if (options.size() < 2) {
                errors.add(prefix + "options", "Give at least two options, one per line.");
            } else if (options.size() > MAX_OPTIONS) {
                errors.add(prefix + "options", "Give at most " + MAX_OPTIONS + " options.");
            } else if (options.stream().anyMatch(o -> o.length() > MAX_OPTION_LABEL)) {
                errors.add(prefix + "options", "Keep each option under " + MAX_OPTION_LABEL + " characters.");
            } else if (!options.stream().allMatch(o -> seen.add(o.toLowerCase(Locale.ROOT)))) {
                errors.add(prefix + "options", "Options must be different from each other.");
            }
        } else if (type.isPresent() && !options.isEmpty()) {
            errors.add(prefix + "options", "Only choice questions have options.");
        }
        if (errors.size() != before || type.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new ValidQuestion(text, type.get(), q.required(), type.get().hasOptions() ? options : List.of()));
    }

    private static String required(
            ValidationException.Collector errors, String field, String value, int max, String what) {
        String clean = Text.clean(value);
        if (clean.isEmpty()) {
            errors.add(field, "Enter " + what + ".");
        } else if (clean.length() > max) {
            errors.add(field, "Keep it under " + max + " characters.");
        }
        return clean;
    }

    private static String optional(ValidationException.Collector errors, String field, String value, int max) {
        String clean = Text.clean(value);
        if (clean.length() > max) {
            errors.add(field, "Keep it under " + max + " characters.");
        }
        return clean;
    }

    private String uniqueSlug() {
        String slug = tokens.newSlug();
        while (surveys.slugExists(slug)) {
            slug = tokens.newSlug();
        }
        return slug;
    }
}
