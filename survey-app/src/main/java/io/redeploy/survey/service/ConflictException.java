package io.redeploy.survey.service;

/** The request is valid but the current state forbids it (already answered, survey not a draft...). */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
