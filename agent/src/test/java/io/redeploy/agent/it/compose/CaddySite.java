package io.redeploy.agent.it.compose;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The survey site as a visitor reaches it: HTTPS to {@link ComposeEnv#SITE} on the stack's published HTTPS port,
 * through the stack's Caddy ({@code tls internal}), trusting only the root of Caddy's local CA (copied out of the
 * container's /data volume, as the Caddyfile tells an operator to do). Certificate and host name are verified.
 */
public final class CaddySite {
    private static final String ROOT = "/data/caddy/pki/authorities/local/root.crt";

    private final ComposeEnv env;
    private final HttpClient http;

    private CaddySite(ComposeEnv env, HttpClient http) {
        this.env = env;
        this.http = http;
    }

    /** Waits for Caddy to have created its local CA (at start-up), then trusts its root. */
    public static CaddySite of(ComposeEnv env, Path workDirectory) {
        Path root = workDirectory.resolve(env.caddyContainer() + "-root.crt");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> Commands.run(
                                workDirectory,
                                Duration.ofSeconds(30),
                                "docker",
                                "cp",
                                env.caddyContainer() + ":" + ROOT,
                                root.toString())
                        .succeeded());
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry(
                    "caddy-local-root",
                    CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(root))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(tls)
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            return new CaddySite(env, http);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust Caddy's local root " + root + ": " + e, e);
        }
    }

    /** GET {@code path} through Caddy; throws what the client saw (refused, reset, timed out, TLS). */
    public HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(env.caddy().siteUrl(path)))
                .timeout(timeout)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The status of GET {@code path} through Caddy; empty when no answer came. */
    public Optional<Integer> status(String path) {
        try {
            return Optional.of(get(path, Duration.ofSeconds(3)).statusCode());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
