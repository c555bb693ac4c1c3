package io.redeploy.survey.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cross-site request forgery from a sibling subdomain (same site, so the session cookie is sent) or a man in the
 * middle on plain HTTP: both can set a cookie for the app's host and then post a form carrying the same value.
 */
class CsrfCookieInjectionAttackTest {

    @Test
    void aCsrfCookiePlantedBySomeoneElseIsNotTrusted() {
        try (TestApp app = TestApp.start(Map.of("COOKIE_SECURE", "true"))) {
            WebClient victim = new WebClient(app.baseUrl());
            HttpResponse<String> login =
                    victim.postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD);
            assertThat(login.statusCode()).isEqualTo(303);

            // evil.example.com: Set-Cookie: survey_csrf=planted; Domain=example.com; Path=/surveys
            victim.plantCookie("survey_csrf", "planted-by-a-sibling");
            HttpResponse<String> forged =
                    victim.postFormRaw("/surveys", "title", "Planted survey", "_csrf", "planted-by-a-sibling");
            assertThat(forged.statusCode()).as("forged form post").isEqualTo(403);
            assertThat(victim.get("/surveys").body()).doesNotContain("Planted survey");

            // The real cookie can only come from this host over HTTPS: the browser enforces the __Host- prefix.
            String header = victim.setCookieHeader("__Host-survey_csrf");
            assertThat(header)
                    .as("the CSRF cookie's Set-Cookie")
                    .isNotNull()
                    .contains("; Path=/;", "; Secure", "HttpOnly", "SameSite=Strict")
                    .doesNotContainIgnoringCase("Domain=");
            assertThat(victim.setCookieHeader("__Host-survey_session")).contains("; Secure");
            // ...and the victim's own forms still work.
            assertThat(victim.postForm("/surveys", "title", "Genuine survey").statusCode())
                    .isEqualTo(303);
        }
    }

    @Test
    void plainHttpDevelopmentKeepsWorkingWithUnprefixedCookies() {
        try (TestApp app = TestApp.start(Map.of("COOKIE_SECURE", "false"))) {
            WebClient developer = new WebClient(app.baseUrl());
            assertThat(developer
                            .postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD)
                            .statusCode())
                    .isEqualTo(303);
            assertThat(developer.setCookieHeader("survey_csrf")).doesNotContain("Secure");
            assertThat(developer.setCookieHeader("__Host-survey_csrf")).isNull();
            assertThat(developer.postForm("/surveys", "title", "Local survey").statusCode())
                    .isEqualTo(303);
        }
    }
}
