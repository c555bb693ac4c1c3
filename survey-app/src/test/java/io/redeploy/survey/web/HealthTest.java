package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The agent's health gate turns red when the database goes away, and pages fail politely. */
class HealthTest {

    @Test
    void healthIs503AndPagesSayNothingInternalWhenTheDatabaseIsGone() {
        try (TestApp app = TestApp.start()) {
            WebClient client = new WebClient(app.baseUrl());
            assertThat(client.get("/health").statusCode()).isEqualTo(200);

            app.database().dropNow();

            HttpResponse<String> health = client.get("/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body())
                    .isEqualTo("{\"status\":\"unavailable\",\"database\":\"down\",\"migrations\":\"done\"}");

            HttpResponse<String> login =
                    client.postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD);
            assertThat(login.statusCode()).isEqualTo(503);
            assertThat(login.body())
                    .contains("The database cannot be reached")
                    .doesNotContain("SQLException")
                    .doesNotContain("at io.")
                    .doesNotContain("postgresql");
            HttpResponse<String> api = client.get("/api/public/surveys/x");
            assertThat(api.statusCode()).isEqualTo(503);
            assertThat(api.body()).contains("The database cannot be reached");
        }
    }
}
