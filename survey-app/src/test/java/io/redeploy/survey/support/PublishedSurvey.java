package io.redeploy.survey.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * A survey created and published through the API by the test admin: what attack tests aim at.
 *
 * @param questions the ids of its questions, in order
 */
public record PublishedSurvey(TestApp app, String surveyorToken, long id, String slug, long[] questions) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Publishes a survey made of {@code questionsJson} (the API's question list). */
    public static PublishedSurvey create(TestApp app, String title, String questionsJson) {
        WebClient surveyor = new WebClient(app.baseUrl());
        HttpResponse<String> session = surveyor.postJson(
                "/api/session",
                "{\"email\":\"" + TestApp.ADMIN_EMAIL + "\",\"password\":\"" + TestApp.ADMIN_PASSWORD + "\"}",
                null);
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        String token = json(session).get("token").asText();
        HttpResponse<String> created = surveyor.postJson(
                "/api/surveys", "{\"title\":\"" + title + "\",\"questions\":" + questionsJson + "}", token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode survey = json(created);
        long id = survey.get("id").asLong();
        assertThat(surveyor.postJson("/api/surveys/" + id + "/publish", "{}", token)
                        .statusCode())
                .isEqualTo(200);
        long[] questions = new long[survey.get("questions").size()];
        for (int i = 0; i < questions.length; i++) {
            questions[i] = survey.get("questions").get(i).get("id").asLong();
        }
        return new PublishedSurvey(app, token, id, survey.get("slug").asText(), questions);
    }

    /** A survey with one required free-text question. */
    public static PublishedSurvey oneTextQuestion(TestApp app, String title) {
        return create(app, title, "[{\"text\":\"Say something\",\"type\":\"text\",\"required\":true}]");
    }

    public String publicPath() {
        return "/s/" + slug;
    }

    public String apiResponsesPath() {
        return "/api/public/surveys/" + slug + "/responses";
    }

    /** How many responses the surveyor sees in the results. */
    public long responseCount() {
        HttpResponse<String> results =
                new WebClient(app.baseUrl()).get("/api/surveys/" + id + "/results", surveyorToken);
        assertThat(results.statusCode()).isEqualTo(200);
        return json(results).get("responseCount").asLong();
    }

    /** The CSV export, as the surveyor downloads it. */
    public String csv() {
        HttpResponse<String> csv =
                new WebClient(app.baseUrl()).get("/api/surveys/" + id + "/results.csv", surveyorToken);
        assertThat(csv.statusCode()).isEqualTo(200);
        return csv.body();
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
