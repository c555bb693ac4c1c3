package io.redeploy.survey.domain;

import java.util.Locale;

/** Draft surveys are edited, published ones answered, closed ones only read. */
public enum SurveyStatus {
    DRAFT,
    PUBLISHED,
    CLOSED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SurveyStatus fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
