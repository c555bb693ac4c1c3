package io.redeploy.survey.service;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bad input, field by field: the field name (form field or JSON property) mapped to a readable message. */
public final class ValidationException extends RuntimeException {
    private final Map<String, String> errors;

    public ValidationException(Map<String, String> errors) {
        super("invalid input: " + String.join(", ", errors.keySet()));
        this.errors = Map.copyOf(errors);
    }

    public static ValidationException of(String field, String message) {
        return new ValidationException(Map.of(field, message));
    }

    public Map<String, String> errors() {
        return errors;
    }

    /** Collects errors while checking several fields, then throws them together. */
    public static final class Collector {
        private final Map<String, String> errors = new LinkedHashMap<>();

        public Collector add(String field, String message) {
            errors.putIfAbsent(field, message);
            return this;
        }

        public int size() {
            return errors.size();
        }

        public void throwIfAny() {
            if (!errors.isEmpty()) {
                throw new ValidationException(errors);
            }
        }
    }
}
