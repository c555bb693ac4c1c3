package io.redeploy.survey.web;

/** The route needs a signed-in surveyor: pages redirect to /login, the API answers 401. */
final class AuthRequiredException extends RuntimeException {
    AuthRequiredException() {
        super("sign-in required");
    }
}
