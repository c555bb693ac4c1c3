package io.redeploy.survey.web;

/** Wrong credentials on the API's sign-in: 401 with a message, unlike a missing session. */
final class ApiUnauthorizedException extends RuntimeException {
    ApiUnauthorizedException(String message) {
        super(message);
    }
}
