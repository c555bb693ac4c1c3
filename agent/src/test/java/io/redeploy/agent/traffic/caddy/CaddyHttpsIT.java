package io.redeploy.agent.traffic.caddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.time.Sleeper;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's route on Caddy's HTTPS server: Caddy gets the certificate itself ({@code tls internal} here). */
class CaddyHttpsIT {
    private CaddyProcess caddy;
    private TestUpstream a;
    private TestUpstream b;

    @BeforeEach
    void start() throws Exception {
        caddy = CaddyProcess.start();
        a = TestUpstream.start("a");
        b = TestUpstream.start("b");
    }

    @AfterEach
    void stop() throws Exception {
        try (TestUpstream x = a;
                TestUpstream y = b) {
            caddy.close();
        }
    }

    @Test
    void aRouteCreatedThroughTheApiIsServedOverHttpsWithACertificateFromCaddysLocalCa() throws Exception {
        CaddySwitch secure = new CaddySwitch(
                CaddyAdmin.create(caddy.adminUrl(), Duration.ofSeconds(2), Duration.ofSeconds(30)),
                new CaddyRoute("secure", CaddyProcess.TLS, List.of("secure.test")),
                Clock.systemUTC(),
                Sleeper.real(),
                CaddySwitch.DEFAULT_DRAIN_POLL);
        long start = System.nanoTime();
        secure.switchTo(a.target());
        OkHttpClient https = TestClients.trusting(caddy.rootCertificate());

        Answer first = awaitAnswer(https, Duration.ofSeconds(20));
        System.out.printf(
                "measure=caddy.https first_answer_ms=%d issuer=\"%s\" subject_alt_names=%s%n",
                (System.nanoTime() - start) / 1_000_000, first.issuer, first.names);
        assertThat(first.body).isEqualTo("a");
        assertThat(first.issuer).contains("Caddy Local Authority");
        assertThat(first.names).contains("secure.test");

        secure.switchTo(b.target());
        assertThat(get(https).body).isEqualTo("b");
    }

    private record Answer(String body, String issuer, String names) {}

    private Answer awaitAnswer(OkHttpClient https, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return get(https);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no HTTPS answer within " + timeout + ":\n" + caddy.logTail(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private Answer get(OkHttpClient https) throws IOException {
        Request request = new Request.Builder()
                .url("https://secure.test:" + caddy.httpsPort() + "/")
                .build();
        try (Response response = https.newCall(request).execute()) {
            X509Certificate leaf =
                    (X509Certificate) response.handshake().peerCertificates().get(0);
            try {
                return new Answer(
                        response.body().string().strip(),
                        leaf.getIssuerX500Principal().getName(),
                        String.valueOf(leaf.getSubjectAlternativeNames()));
            } catch (java.security.cert.CertificateParsingException e) {
                throw new IOException(e);
            }
        }
    }
}
