package io.redeploy.survey.domain;

/**
 * One validated answer value: exactly one of {@code optionId}, {@code text}, {@code rating} is set.
 * A multiple-choice question answered with two options gives two answers.
 */
public record Answer(long questionId, Long optionId, String text, Integer rating) {
    public static Answer option(long questionId, long optionId) {
        return new Answer(questionId, optionId, null, null);
    }

    public static Answer text(long questionId, String text) {
        return new Answer(questionId, null, text, null);
    }

    public static Answer rating(long questionId, int rating) {
        return new Answer(questionId, null, null, rating);
    }
}
