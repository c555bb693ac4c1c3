package io.redeploy.survey.domain;

/** One option of a single- or multiple-choice question. */
public record Choice(long id, int position, String label) {}
