package io.redeploy.survey.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of question a survey can ask; {@link #code()} is the stored and JSON form. */
public enum QuestionType {
    TEXT("text", "Free text"),
    SINGLE_CHOICE("single_choice", "Single choice"),
    MULTIPLE_CHOICE("multiple_choice", "Multiple choice"),
    RATING("rating", "Rating (1 to 5)");

    /** Ratings go from 1 to this value. */
    public static final int RATING_MAX = 5;

    private final String code;
    private final String label;

    QuestionType(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** Choice questions are answered by picking among the question's options. */
    public boolean hasOptions() {
        return this == SINGLE_CHOICE || this == MULTIPLE_CHOICE;
    }

    public static Optional<QuestionType> fromCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String normalized = code.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.code.equals(normalized)).findFirst();
    }
}
