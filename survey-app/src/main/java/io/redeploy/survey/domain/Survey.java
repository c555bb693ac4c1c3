package io.redeploy.survey.domain;

import java.time.Instant;
import java.util.List;

/** A survey with its questions. {@code slug} is the unguessable part of the public link. */
public record Survey(
        long id,
        long ownerId,
        String slug,
        String title,
        String description,
        SurveyStatus status,
        Instant createdAt,
        Instant publishedAt,
        List<Question> questions) {
    public Survey {
        questions = List.copyOf(questions);
    }

    public boolean isDraft() {
        return status == SurveyStatus.DRAFT;
    }

    public boolean isPublished() {
        return status == SurveyStatus.PUBLISHED;
    }
}
