package io.redeploy.agent.registry;

import io.redeploy.agent.config.RegistryConfig;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import okhttp3.Credentials;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Authenticates Distribution API requests, as a layer around the call.
 *
 * <p>The first request to a registry goes out anonymously; its 401 challenge ({@code Basic} or {@code Bearer})
 * teaches the interceptor how that registry authenticates. From then on the credential goes out with the first
 * request (a cached bearer token, or Basic), so a poll with a valid token costs exactly one request. A refused
 * token is dropped and replaced once; a second refusal is returned as the 401 it is.
 */
final class RegistryAuthInterceptor implements Interceptor {

    /** What a registry host asked for last time. */
    private sealed interface HostAuth permits BasicAuth, TokenAuth {}

    private record BasicAuth() implements HostAuth {}

    private record TokenAuth(String realm, Optional<String> service) implements HostAuth {}

    /** An Authorization header and, for a token, where it came from (to drop it if refused). */
    private record Credential(String header, TokenCache.Key tokenKey, String tokenValue) {
        boolean isToken() {
            return tokenKey != null;
        }
    }

    private final TokenCache tokens;
    private final TokenClient tokenClient;
    private final ConcurrentMap<String, HostAuth> hostAuth = new ConcurrentHashMap<>();
    /** The scope each repository's challenge named; registries may word it differently from the default. */
    private final ConcurrentMap<String, String> scopes = new ConcurrentHashMap<>();

    RegistryAuthInterceptor(TokenCache tokens, TokenClient tokenClient) {
        this.tokens = tokens;
        this.tokenClient = tokenClient;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        RegistryTarget target = request.tag(RegistryTarget.class);
        if (target == null) return chain.proceed(request);
        try {
            Credential sent = preemptive(target);
            Response response = chain.proceed(withCredential(request, sent));
            if (response.code() != 401) return response;
            Credential answer = answer(target, response.headers("WWW-Authenticate"), sent);
            if (answer == null) return response;
            response.close();
            return chain.proceed(withCredential(request, answer));
        } catch (RegistryException e) {
            throw new RegistryFailureIOException(e);
        }
    }

    private Credential preemptive(RegistryTarget target) throws RegistryException {
        HostAuth known = hostAuth.get(target.registry());
        if (known instanceof BasicAuth) return basic(target.config());
        if (known instanceof TokenAuth auth) {
            String scope = scopes.getOrDefault(scopeKey(target), BearerChallenge.pullScope(target.repository()));
            return token(target, auth.realm(), auth.service(), scope);
        }
        return null;
    }

    /** The credential that answers the challenge, or null when a retry cannot succeed (the 401 then stands). */
    private Credential answer(RegistryTarget target, List<String> challengeHeaders, Credential sent)
            throws RegistryException {
        List<AuthChallenge> challenges = AuthChallenge.parseAll(challengeHeaders);
        Optional<BearerChallenge> bearer = BearerChallenge.from(challenges);
        if (bearer.isPresent()) {
            BearerChallenge challenge = bearer.get();
            hostAuth.put(target.registry(), new TokenAuth(challenge.realm(), challenge.service()));
            String scope = challenge.scope().orElse(BearerChallenge.pullScope(target.repository()));
            scopes.put(scopeKey(target), scope);
            TokenCache.Key key = key(target, challenge.realm(), challenge.service(), scope);
            if (sent != null && sent.isToken()) {
                // insufficient_scope for the very scope we hold: a new token for the same identity gets the same
                // answer.
                if (challenge.isInsufficientScope() && sent.tokenKey().equals(key)) return null;
                tokens.invalidate(sent.tokenKey(), sent.tokenValue());
            }
            Credential fresh = token(target, challenge.realm(), challenge.service(), scope);
            return sent != null && fresh.header().equals(sent.header()) ? null : fresh;
        }
        if (challenges.stream().anyMatch(c -> c.hasScheme("Basic"))) {
            hostAuth.put(target.registry(), new BasicAuth());
            Credential basic = basic(target.config());
            return basic == null || (sent != null && !sent.isToken()) ? null : basic;
        }
        return null;
    }

    private Credential token(RegistryTarget target, String realm, Optional<String> service, String scope)
            throws RegistryException {
        TokenCache.Key key = key(target, realm, service, scope);
        BearerToken token = tokens.getOrFetch(key, () -> tokenClient.fetch(target, realm, service, scope));
        return new Credential("Bearer " + token.value(), key, token.value());
    }

    private static Credential basic(RegistryConfig config) {
        if (!config.hasCredentials()) return null;
        String header = Credentials.basic(
                config.username().orElseThrow(), config.password().orElseThrow().reveal());
        return new Credential(header, null, null);
    }

    private static Request withCredential(Request request, Credential credential) {
        return credential == null
                ? request
                : request.newBuilder()
                        .header("Authorization", credential.header())
                        .build();
    }

    private static TokenCache.Key key(RegistryTarget target, String realm, Optional<String> service, String scope) {
        return new TokenCache.Key(target.registry(), realm, service.orElse(""), scope);
    }

    private static String scopeKey(RegistryTarget target) {
        return target.registry() + "/" + target.repository();
    }
}
