package io.redeploy.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.config.Secret;
import io.redeploy.agent.metrics.AgentMetrics;
import io.redeploy.agent.state.AuditLog;
import io.redeploy.agent.state.StateStore;
import io.redeploy.agent.testing.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /, the sign-in and the page's actions over the real server and a fake agent. */
class PageEndpointsTest {
    private static final String TOKEN = "page-test-token-7c2d";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path stateDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final FakeControl control = new FakeControl();
    private final HttpClient client = HttpClient.newHttpClient(); // never follows redirects
    private AuditLog audit;
    private AgentHttpServer server;

    @BeforeEach
    void start() {
        audit = AuditLog.open(stateDir);
        server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.of(new Secret(TOKEN))),
                control,
                StateStore.open(stateDir, clock),
                audit,
                new AgentMetrics(clock),
                clock);
    }

    @AfterEach
    void stop() {
        server.close();
        audit.close();
    }

    @Test
    void thePageIsOpenHtmlWithoutActions() throws Exception {
        HttpResponse<String> page = get("/", Optional.empty());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains(Response.HTML);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'");
        assertThat(page.body()).contains("id=\"service-web\"", "id=\"service-db\"", "id=\"signin\"");
        assertThat(page.body()).doesNotContain("/ui/action");
    }

    @Test
    void theRightTokenSetsAnHttpOnlyStrictCookieThatIsNotTheToken() throws Exception {
        HttpResponse<String> signIn = post("/ui/signin", "token=" + TOKEN, Optional.empty());

        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("Location")).contains("/");
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(OperatorSession.COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(cookie).as("loopback: plain HTTP, no Secure").doesNotContain("Secure");
        assertThat(cookie).doesNotContain(TOKEN);

        String page = get("/", Optional.of(cookieValue(cookie))).body();
        assertThat(page).contains("id=\"hold-web\"", "Signed in as operator").doesNotContain("id=\"signin\"");
    }

    @Test
    void aWrongTokenIsA401PageWithoutACookie() throws Exception {
        HttpResponse<String> signIn = post("/ui/signin", "token=wrong", Optional.empty());

        assertThat(signIn.statusCode()).isEqualTo(401);
        assertThat(signIn.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(signIn.body()).contains("Sign-in refused").doesNotContain("wrong");
        assertThat(post("/ui/signin", "", Optional.empty()).statusCode()).isEqualTo(401);
    }

    @Test
    void anActionWithCookieAndCsrfReachesTheAgent() throws Exception {
        String cookie = signIn();
        String csrf = csrf(cookie);

        HttpResponse<String> hold =
                post("/ui/action", "csrf=" + csrf + "&service=web&action=hold", Optional.of(cookie));
        HttpResponse<String> poll = post("/ui/action", "csrf=" + csrf + "&action=trigger", Optional.of(cookie));

        assertThat(hold.statusCode()).as(hold.body()).isEqualTo(303);
        assertThat(poll.statusCode()).as(poll.body()).isEqualTo(303);
        assertThat(control.actions).containsExactly("hold web page held from the status page");
        assertThat(control.triggered).hasSize(1);
    }

    @Test
    void theApproveButtonApprovesTheDigestThePageShowed() throws Exception {
        String cookie = signIn();
        String csrf = csrf(cookie);
        String digest = "sha256:" + "e".repeat(64);

        HttpResponse<String> approve = post(
                "/ui/action", "csrf=" + csrf + "&service=web&action=approve&digest=" + digest, Optional.of(cookie));
        HttpResponse<String> without =
                post("/ui/action", "csrf=" + csrf + "&service=web&action=approve", Optional.of(cookie));

        assertThat(approve.statusCode()).as(approve.body()).isEqualTo(303);
        assertThat(without.statusCode()).as("a digest is required").isEqualTo(400);
        assertThat(control.actions).containsExactly("approve web " + digest + " page");
    }

    @Test
    void anActionWithoutTheCsrfTokenOrTheCookieIsRefusedAndTouchesNothing() throws Exception {
        String cookie = signIn();
        String csrf = csrf(cookie);

        assertThat(post("/ui/action", "service=web&action=hold", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(403);
        assertThat(post("/ui/action", "csrf=forged&service=web&action=hold", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(403);
        assertThat(post("/ui/action", "csrf=" + csrf + "&service=web&action=hold", Optional.empty())
                        .statusCode())
                .isEqualTo(401);
        assertThat(post("/ui/action", "csrf=" + csrf + "&service=web&action=hold", Optional.of("forged"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(control.actions).isEmpty();
        assertThat(control.triggered).isEmpty();
    }

    @Test
    void badActionsAreClearRefusals() throws Exception {
        String cookie = signIn();
        String csrf = csrf(cookie);

        assertThat(post("/ui/action", "csrf=" + csrf + "&service=nope&action=hold", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(404);
        assertThat(post("/ui/action", "csrf=" + csrf + "&service=web&action=drop", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/ui/action", "csrf=" + csrf + "&action=hold", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/ui/action", "csrf=" + csrf + "&extra=1", Optional.of(cookie))
                        .statusCode())
                .isEqualTo(400);
        assertThat(control.actions).isEmpty();
    }

    @Test
    void signingOutClearsTheCookie() throws Exception {
        String cookie = signIn();
        HttpResponse<String> out = post("/ui/signout", "csrf=" + csrf(cookie), Optional.of(cookie));

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void offLoopbackTheCookieIsSecureAndAnotherStartsCookieIsRejected() {
        OperatorSession first = new OperatorSession(new Secret(TOKEN), true);
        OperatorSession second = new OperatorSession(new Secret(TOKEN), true);
        String cookie = cookieValue(first.signInCookie());

        assertThat(first.signInCookie()).contains("Secure", "HttpOnly", "SameSite=Strict");
        assertThat(first.signedIn(Optional.of("other=1; " + cookie))).isTrue();
        assertThat(second.signedIn(Optional.of(cookie)))
                .as("a new start draws a new key")
                .isFalse();
        assertThat(first.csrfMatches(second.csrfToken())).isFalse();
        assertThat(first.signedIn(Optional.empty())).isFalse();
    }

    @Test
    void withoutATokenThePageIsReadOnlyAndSignInIsRefused() throws Exception {
        server.close();
        server = AgentHttpServer.start(
                new HttpConfig("127.0.0.1", 0, Optional.empty()),
                control,
                StateStore.open(stateDir, clock),
                audit,
                new AgentMetrics(clock),
                clock);

        assertThat(get("/", Optional.empty()).body()).contains("Read only").doesNotContain("id=\"signin\"");
        assertThat(post("/ui/signin", "token=anything", Optional.empty()).statusCode())
                .isEqualTo(503);
        assertThat(post("/ui/action", "action=trigger", Optional.empty()).statusCode())
                .isEqualTo(503);
        assertThat(control.triggered).isEmpty();
    }

    private String signIn() throws Exception {
        return cookieValue(
                post("/ui/signin", "token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8), Optional.empty())
                        .headers()
                        .firstValue("Set-Cookie")
                        .orElseThrow());
    }

    private String csrf(String cookie) throws Exception {
        Matcher m = CSRF.matcher(get("/", Optional.of(cookie)).body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** {@code name=value} of a Set-Cookie header, as a browser sends it back. */
    private static String cookieValue(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> get(String path, Optional<String> cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        cookie.ifPresent(c -> request.header("Cookie", c));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, Optional<String> cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        cookie.ifPresent(c -> request.header("Cookie", c));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
