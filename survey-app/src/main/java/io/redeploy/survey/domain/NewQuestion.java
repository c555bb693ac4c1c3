package io.redeploy.survey.domain;

import java.util.List;

/** A question as a surveyor typed it, before validation. {@code type} is the raw code. */
public record NewQuestion(String text, String type, boolean required, List<String> options) {
    public NewQuestion {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
