package io.redeploy.survey.service;

/** The thing asked for does not exist, or belongs to someone else (the same answer, on purpose). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
