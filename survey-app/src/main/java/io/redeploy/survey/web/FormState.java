package io.redeploy.survey.web;

import java.util.List;
import java.util.Map;

/** What a form shows: the values typed so far (to refill it) and the error per field. */
public record FormState(Map<String, List<String>> values, Map<String, String> errors) {
    public static final FormState EMPTY = new FormState(Map.of(), Map.of());

    public FormState {
        values = Map.copyOf(values);
        errors = Map.copyOf(errors);
    }

    public String value(String field) {
        List<String> v = values.get(field);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    /** Whether {@code option} was among the submitted values of {@code field} (to keep boxes checked). */
    public boolean has(String field, String option) {
        List<String> v = values.get(field);
        return v != null && v.contains(option);
    }

    public String error(String field) {
        return errors.get(field);
    }

    public boolean hasError(String field) {
        return errors.containsKey(field);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
