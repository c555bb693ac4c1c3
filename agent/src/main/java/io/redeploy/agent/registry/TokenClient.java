package io.redeploy.agent.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.agent.config.RegistryConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Asks a registry's token service for a pull token (Docker Registry token authentication spec, "Requesting a
 * Token"): {@code GET realm?service=..&scope=repository:<name>:pull}, with Basic credentials for private images and
 * with no Authorization header at all for anonymous pulls of public images.
 */
final class TokenClient {
    static final String SOURCE = "token service";

    /** The spec's default when {@code expires_in} is absent, and its minimum lifetime. */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

    private final OkHttpClient http;
    private final Clock clock;
    private final long maxBodyBytes;
    private final RegistryFailures failures;
    private final ObjectMapper json = new ObjectMapper();

    TokenClient(OkHttpClient http, Clock clock, long maxBodyBytes, RegistryFailures failures) {
        this.http = http;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.failures = failures;
    }

    BearerToken fetch(RegistryTarget target, String realm, Optional<String> service, String scope)
            throws RegistryException {
        HttpUrl realmUrl = HttpUrl.parse(realm);
        if (realmUrl == null) throw failures.malformed(target, "registry", "a token realm that is not an http(s) URL");
        RegistryConfig config = target.config();
        if (config.hasCredentials()) {
            // The challenge must not choose where the password goes: HTTPS, and the registry's own or listed host.
            Optional<String> refusal = TokenRealmPolicy.refusal(config, realmUrl);
            if (refusal.isPresent()) {
                throw new UntrustedTokenRealmException("registry named token realm " + realmUrl.scheme() + "://"
                        + realmUrl.host() + ":" + realmUrl.port() + realmUrl.encodedPath() + " for "
                        + target.describe() + ", which " + refusal.get() + "; credentials not sent");
            }
        }
        HttpUrl.Builder url = realmUrl.newBuilder();
        service.ifPresent(s -> url.addQueryParameter("service", s));
        url.addQueryParameter("scope", scope);
        Request.Builder request = new Request.Builder().url(url.build()).get().tag(RegistryTarget.class, target);
        if (config.hasCredentials()) {
            request.header(
                    "Authorization",
                    Credentials.basic(
                            config.username().orElseThrow(),
                            config.password().orElseThrow().reveal()));
        }
        Instant requestedAt = clock.instant(); // lifetime counts from before the request: errs on the early side
        try (Response response = http.newCall(request.build()).execute()) {
            if (response.code() != 200) throw failures.forStatus(target, SOURCE, response);
            return parse(target, BoundedBody.read(response.body(), maxBodyBytes), requestedAt);
        } catch (BoundedBody.TooLargeException e) {
            throw failures.tooLarge(target, SOURCE, maxBodyBytes);
        } catch (IOException e) {
            throw failures.unreachable(target, SOURCE, e);
        }
    }

    /** {@code token} and {@code access_token} are synonyms in the spec; {@code token} wins when both are present. */
    private BearerToken parse(RegistryTarget target, byte[] body, Instant requestedAt) throws RegistryException {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw failures.malformed(target, SOURCE, "a token response that is not JSON");
        }
        if (root == null || !root.isObject())
            throw failures.malformed(target, SOURCE, "a token response that is not a JSON object");
        String token = text(root, "token")
                .or(() -> text(root, "access_token"))
                .orElseThrow(() -> failures.malformed(target, SOURCE, "a token response without a token"));
        JsonNode expiresIn = root.get("expires_in");
        Duration lifetime = expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0
                ? Duration.ofSeconds(expiresIn.asLong())
                : DEFAULT_LIFETIME;
        return new BearerToken(token, requestedAt.plus(lifetime));
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank()
                ? Optional.of(node.asText())
                : Optional.empty();
    }
}
