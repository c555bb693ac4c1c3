package io.redeploy.agent.registry;

import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.log.Event;
import io.redeploy.agent.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the digest a registry holds for a tag, over the OCI Distribution API; and, for signature verification, a
 * manifest by tag and a blob by digest.
 *
 * <p>Steady-state cost: one HEAD per tag per poll once a token is cached; token requests only when a token expires.
 * Transient failures (5xx, 429, I/O, timeouts) are retried with backoff within one call; every other failure is a
 * typed {@link RegistryException} for this image alone. Safe for concurrent use; {@link #close()} releases the
 * connection pool.
 *
 * <pre>{@code
 * try (RegistryClient registry = RegistryClient.builder(config::registryFor).listener(metrics::count).build()) {
 *     Digest digest = registry.digestOf(ImageRef.parse("ghcr.io/acme/app", "main"));
 * }
 * }</pre>
 */
public final class RegistryClient implements DigestSource, ImageConfigSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    /** Tokens are dropped this long before they expire, so none expires between the cache and the registry. */
    static final Duration TOKEN_SAFETY_MARGIN = Duration.ofSeconds(10);

    private static final int FACTS_CACHED = 64;

    private final Function<ImageRef, RegistryConfig> registryFor;
    private final OkHttpClient http;
    private final ManifestDigestFetcher fetcher;
    private final ContentFetcher content;
    private final ImageConfigReader imageConfigs;
    /** Image configs by digest: content-addressed, so never stale; bounded because digests keep coming. */
    private final Map<Digest, ImageFacts> factsByDigest = new java.util.concurrent.ConcurrentHashMap<>();

    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;

    private RegistryClient(Builder b) {
        this.registryFor = b.registryFor;
        this.sleeper = b.sleeper;
        this.retryPolicy = new RetryPolicy(b.settings, b.jitter);
        RegistryFailures failures = new RegistryFailures(b.clock);
        OkHttpClient shared = new OkHttpClient.Builder()
                .connectTimeout(b.settings.connectTimeout())
                .readTimeout(b.settings.readTimeout())
                .writeTimeout(b.settings.readTimeout())
                .callTimeout(b.settings.callTimeout())
                .build();
        Interceptor userAgent = chain -> chain.proceed(chain.request()
                .newBuilder()
                .header("User-Agent", b.settings.userAgent())
                .build());
        RequestCountingInterceptor counting = new RequestCountingInterceptor(b.listener);
        // Both clients share one connection pool and dispatcher (newBuilder), so close() releases everything.
        OkHttpClient tokenHttp = shared.newBuilder()
                .addInterceptor(userAgent)
                .addInterceptor(counting)
                .build();
        TokenClient tokenClient = new TokenClient(tokenHttp, b.clock, b.settings.maxBodyBytes(), failures);
        RegistryAuthInterceptor auth =
                new RegistryAuthInterceptor(new TokenCache(b.clock, TOKEN_SAFETY_MARGIN), tokenClient);
        this.http = shared.newBuilder()
                .addInterceptor(userAgent)
                .addInterceptor(auth)
                .addInterceptor(counting)
                .build();
        this.fetcher = new ManifestDigestFetcher(http, b.settings.maxBodyBytes(), failures);
        this.content = new ContentFetcher(http, failures);
        this.imageConfigs = new ImageConfigReader(content, b.settings.maxBodyBytes());
    }

    /** @param registryFor credentials and transport per image, usually {@code agentConfig::registryFor} */
    public static Builder builder(Function<ImageRef, RegistryConfig> registryFor) {
        return new Builder(registryFor);
    }

    /** For registries keyed by host as in the {@code registries:} section; unknown hosts are anonymous HTTPS. */
    public static Builder builder(Map<String, RegistryConfig> registries) {
        Map<String, RegistryConfig> copy = Map.copyOf(registries);
        return new Builder(image -> copy.getOrDefault(image.registry(), RegistryConfig.anonymous(image.registry())));
    }

    public static Builder builder(AgentConfig config) {
        return new Builder(config::registryFor);
    }

    @Override
    public Digest digestOf(ImageRef image) throws RegistryException {
        RegistryTarget target = RegistryTarget.of(image, registryFor.apply(image));
        Digest digest = withRetries(target, () -> fetcher.fetch(target));
        Event.debug(LOG, "registry.digest")
                .with("registry", target.registry())
                .with("repository", target.repository())
                .with("tag", target.tag())
                .with("digest", digest)
                .log();
        return digest;
    }

    /**
     * The manifest {@code image}'s tag names, exactly as stored (GET, same authentication and retries as
     * {@link #digestOf}); empty when the tag does not exist.
     *
     * @param accept   the Accept header: the manifest media types the caller understands
     * @param maxBytes a larger manifest fails with {@link MalformedResponseException}
     */
    public Optional<StoredManifest> manifest(ImageRef image, String accept, long maxBytes) throws RegistryException {
        RegistryTarget target = RegistryTarget.of(image, registryFor.apply(image));
        return withRetries(target, () -> content.manifest(target, accept, maxBytes));
    }

    /**
     * The blob {@code digest} of {@code image}'s repository, whose bytes are checked against the digest; a missing,
     * larger than {@code maxBytes} or mismatching blob fails with {@link MalformedResponseException}.
     */
    public byte[] blob(ImageRef image, Digest digest, long maxBytes) throws RegistryException {
        RegistryTarget target = RegistryTarget.of(image, registryFor.apply(image));
        return withRetries(target, () -> content.blob(target, digest, maxBytes));
    }

    /**
     * The labels and environment of the image {@code digest} names, read from its config blob before any pull
     * (for an index, this host's platform's image); cached by digest.
     */
    @Override
    public ImageFacts imageFacts(ImageRef image, Digest digest) throws RegistryException {
        ImageFacts known = factsByDigest.get(digest);
        if (known != null) {
            return known;
        }
        RegistryTarget target = RegistryTarget.of(image, registryFor.apply(image));
        ImageFacts facts = withRetries(target, () -> imageConfigs.read(target, digest));
        if (factsByDigest.size() >= FACTS_CACHED) {
            factsByDigest.clear();
        }
        factsByDigest.put(digest, facts);
        return facts;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws RegistryException;
    }

    /** Transient failures (5xx, 429, I/O) are tried again with backoff; every other failure is thrown at once. */
    private <T> T withRetries(RegistryTarget target, Attempt<T> attempt) throws RegistryException {
        for (int n = 1; ; n++) {
            try {
                return attempt.run();
            } catch (RegistryException failure) {
                if (!failure.isTransient()) throw failure;
                Optional<Duration> wait = retryPolicy.waitBeforeRetry(n, retryAfterOf(failure));
                if (wait.isEmpty()) throw failure;
                Event retry = Event.warn(LOG, "registry.retry")
                        .with("registry", target.registry())
                        .with("repository", target.repository())
                        .with("attempt", n + 1)
                        .with("status", statusOf(failure))
                        .with("wait_ms", wait.get().toMillis());
                // The I/O failure's type tells a timeout apart from a refusal.
                ioErrorOf(failure).ifPresent(error -> retry.with("error", error));
                retry.log();
                pause(wait.get(), failure);
            }
        }
    }

    /** Releases pooled connections and the dispatcher's threads. The client must not be used afterwards. */
    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private void pause(Duration wait, RegistryException pending) throws RegistryException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: give up with what we have
            throw pending;
        }
    }

    private static Optional<Duration> retryAfterOf(RegistryException failure) {
        if (failure instanceof RateLimitedException limited) return limited.retryAfter();
        if (failure instanceof RegistryUnavailableException unavailable) return unavailable.retryAfter();
        return Optional.empty();
    }

    /** {@code SocketTimeoutException} for an I/O failure, so a timeout is told apart from a refusal. */
    private static Optional<String> ioErrorOf(RegistryException failure) {
        return Optional.ofNullable(failure.getCause())
                .map(cause -> cause.getClass().getSimpleName());
    }

    private static int statusOf(RegistryException failure) {
        if (failure instanceof RateLimitedException) return 429;
        if (failure instanceof RegistryUnavailableException unavailable) return unavailable.status();
        return RegistryUnavailableException.NO_STATUS;
    }

    /** Everything but the registry lookup has a production default. */
    public static final class Builder {
        private final Function<ImageRef, RegistryConfig> registryFor;
        private RegistryClientSettings settings = RegistryClientSettings.defaults();
        private Sleeper sleeper = Sleeper.real();
        private Clock clock = Clock.systemUTC();
        private RegistryRequestListener listener = RegistryRequestListener.none();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(Function<ImageRef, RegistryConfig> registryFor) {
            this.registryFor = Objects.requireNonNull(registryFor, "registryFor");
        }

        public Builder settings(RegistryClientSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder listener(RegistryRequestListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Source of backoff jitter in [0, 1); tests pin it. */
        Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter);
            return this;
        }

        public RegistryClient build() {
            return new RegistryClient(this);
        }
    }
}
