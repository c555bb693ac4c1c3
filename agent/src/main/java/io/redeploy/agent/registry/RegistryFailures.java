package io.redeploy.agent.registry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import okhttp3.Response;

/**
 * Turns an unsuccessful answer into the typed failure and its one-sentence message. Messages name the registry and
 * repository and never a credential (no headers, no URLs with user info are ever quoted).
 */
final class RegistryFailures {
    private final Clock clock;

    RegistryFailures(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param source {@code registry} for the Distribution API, {@code token service} for the token endpoint
     */
    RegistryException forStatus(RegistryTarget target, String source, Response response) {
        int status = response.code();
        Optional<Duration> retryAfter = RetryAfter.parse(response.header("Retry-After"), clock);
        if (status == 401 || status == 403) return credentialsRejected(target);
        if (status == 404 && source.equals("registry")) {
            return new TagNotFoundException("tag " + target.tag() + " not found in " + target.describe());
        }
        if (status == 429) {
            return new RateLimitedException(
                    source + " rate-limited requests for " + target.describe()
                            + retryAfter
                                    .map(d -> " (Retry-After " + d.toSeconds() + " s)")
                                    .orElse(""),
                    retryAfter);
        }
        if (status >= 500 || status == 408) {
            return new RegistryUnavailableException(
                    source + " answered HTTP " + status + " for " + target.describe(), status, retryAfter, null);
        }
        return new MalformedResponseException(
                source + " answered unexpected HTTP " + status + " for " + target.describe());
    }

    RegistryException credentialsRejected(RegistryTarget target) {
        if (target.config().hasCredentials()) {
            return new CredentialsRejectedException("credentials rejected for " + target.describe());
        }
        return new CredentialsRejectedException("credentials rejected for " + target.describe()
                + ": anonymous access refused; configure credentials if the image is private");
    }

    RegistryException unreachable(RegistryTarget target, String source, IOException e) {
        String reason = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new RegistryUnavailableException(
                source + " could not be reached for " + target.describe() + " (" + reason + ")",
                RegistryUnavailableException.NO_STATUS,
                Optional.empty(),
                e);
    }

    RegistryException tooLarge(RegistryTarget target, String source, long limit) {
        return new MalformedResponseException(
                source + " sent a response larger than " + limit + " bytes for " + target.describe() + "; refused");
    }

    RegistryException malformed(RegistryTarget target, String source, String what) {
        return new MalformedResponseException(source + " sent " + what + " for " + target.describe());
    }
}
