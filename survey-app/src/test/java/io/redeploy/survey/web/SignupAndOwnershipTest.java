package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An app with open sign-up and Secure cookies (as behind HTTPS): accounts, cookie flags, ownership. */
class SignupAndOwnershipTest {
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(true, true);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static WebClient signUp(String email) {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> page = client.get("/signup");
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> r = client.postForm("/signup", "email", email, "password", "a good password");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/login?registered");
        assertThat(client.get("/login?registered").body()).contains("sign in with it");
        HttpResponse<String> login = client.postForm("/login", "email", email, "password", "a good password");
        assertThat(login.statusCode()).isEqualTo(303);
        return client;
    }

    @Test
    void cookiesAreSecureWhenConfigured() {
        WebClient client = signUp("secure-" + UUID.randomUUID() + "@example.test");
        assertThat(client.setCookieHeader("__Host-survey_session")).contains("Secure", "HttpOnly", "SameSite=Lax");
        assertThat(client.setCookieHeader("__Host-survey_csrf")).contains("Secure", "HttpOnly", "SameSite=Strict");
        assertThat(client.get("/login").body()).contains("/signup");
    }

    @Test
    void signupValidatesAndLeavesExistingAccountsAlone() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> bad = client.postForm("/signup", "email", "nope", "password", "short");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("Enter a valid email address.").contains("Use at least 10 characters.");
        String email = "dup-" + UUID.randomUUID() + "@example.test";
        signUp(email);
        HttpResponse<String> dup = new WebClient(app.baseUrl())
                .postForm("/signup", "email", email.toUpperCase(), "password", "another good one");
        assertThat(dup.statusCode()).as("the same answer as for a new email").isEqualTo(303);
        assertThat(new WebClient(app.baseUrl())
                        .postForm("/login", "email", email, "password", "another good one")
                        .statusCode())
                .as("the existing account's password did not change")
                .isEqualTo(401);
    }

    @Test
    void surveysOfAnotherSurveyorAreNotFound() {
        WebClient alice = signUp("alice-" + UUID.randomUUID() + "@example.test");
        WebClient mallory = signUp("mallory-" + UUID.randomUUID() + "@example.test");
        HttpResponse<String> created = alice.postForm("/surveys", "title", "Alice's secret survey");
        String location = created.headers().firstValue("Location").orElseThrow();
        alice.postForm(location + "/questions", "text", "Q", "type", "text");

        for (String path : new String[] {
            location,
            location + "/results",
            location + "/results.csv",
            "/api" + location,
            "/api" + location + "/results"
        }) {
            assertThat(mallory.get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(mallory.postForm(location + "/publish").statusCode()).isEqualTo(404);
        assertThat(mallory.postForm(location + "/questions", "text", "Injected", "type", "text")
                        .statusCode())
                .isEqualTo(404);
        assertThat(mallory.get("/surveys").body()).doesNotContain("Alice's secret survey");
        assertThat(alice.get(location).body()).doesNotContain("Injected").contains("<h1>Alice's secret survey");
    }
}
