package io.redeploy.survey.domain;

import java.time.Instant;

/** A line of the surveyor's list of surveys. */
public record SurveySummary(
        long id,
        String slug,
        String title,
        SurveyStatus status,
        Instant createdAt,
        long questionCount,
        long responseCount) {}
