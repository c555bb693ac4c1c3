package io.redeploy.survey.domain;

import java.util.List;

/** A question of a survey, in display order; {@code options} is empty unless the type has options. */
public record Question(long id, int position, String text, QuestionType type, boolean required, List<Choice> options) {
    public Question {
        options = List.copyOf(options);
    }
}
