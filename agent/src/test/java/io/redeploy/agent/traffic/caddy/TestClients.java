package io.redeploy.agent.traffic.caddy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.OkHttpClient;

/** HTTP clients of the ITs: every {@code *.test} host name resolves to 127.0.0.1, and nothing is retried. */
public final class TestClients {
    private TestClients() {}

    public static final Dns TEST_HOSTS = host -> {
        if (host.endsWith(".test")) {
            return List.of(InetAddress.getLoopbackAddress());
        }
        throw new UnknownHostException(host + " (only *.test names resolve in these tests)");
    };

    /** A new connection for every request, no retry: what a switch does to requests, apart from keep-alive. */
    public static OkHttpClient newConnectionEach() {
        return base().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
    }

    /** Keeps connections alive, and never retries, not even a request that failed on a reused connection. */
    public static OkHttpClient keepAliveNoRetry() {
        return base().build();
    }

    /**
     * Keeps connections alive and, as browsers and OkHttp do by default, sends a request again on a new connection
     * when the reused one turns out closed by the server (an HTTP/1.1 server may close an idle connection at any
     * time); no retry of any answer.
     */
    public static OkHttpClient keepAliveRetryingStaleConnections() {
        return base().retryOnConnectionFailure(true).build();
    }

    /** Trusts Caddy's local CA only ({@code tls internal}); a new connection for every request, no retry. */
    public static OkHttpClient trusting(Path rootPem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(rootPem)) {
            store.setCertificateEntry(
                    "caddy-local-root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
        return base().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .sslSocketFactory(tls.getSocketFactory(), trust)
                .build();
    }

    private static OkHttpClient.Builder base() {
        return new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool())
                .dns(TEST_HOSTS)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(20));
    }
}
