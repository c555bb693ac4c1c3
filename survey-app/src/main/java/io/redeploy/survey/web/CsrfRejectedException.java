package io.redeploy.survey.web;

/** A state-changing request without proof that it came from one of our own pages. */
final class CsrfRejectedException extends RuntimeException {
    CsrfRejectedException(String message) {
        super(message);
    }
}
