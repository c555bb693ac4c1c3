package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every JSON API route over real HTTP. */
class ApiRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static String token() {
        HttpResponse<String> r = new WebClient(app.baseUrl())
                .postJson(
                        "/api/session",
                        "{\"email\":\"" + TestApp.ADMIN_EMAIL + "\",\"password\":\"" + TestApp.ADMIN_PASSWORD + "\"}",
                        null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r).get("token").asText();
    }

    private static final String POLL = """
            {"title": "API poll", "description": "d", "questions": [
              {"text": "Colour", "type": "single_choice", "required": true, "options": ["Red", "Blue"]},
              {"text": "Pets", "type": "multiple_choice", "options": ["Cat", "Dog"]},
              {"text": "Score", "type": "rating"},
              {"text": "Why", "type": "text"}]}""";

    @Test
    void signInGivesATokenAndACookie() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> r = client.postJson(
                "/api/session",
                "{\"email\":\"" + TestApp.ADMIN_EMAIL + "\",\"password\":\"" + TestApp.ADMIN_PASSWORD + "\"}",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("token").asText()).hasSizeGreaterThan(40);
        assertThat(body.at("/user/email").asText()).isEqualTo(TestApp.ADMIN_EMAIL);
        assertThat(client.cookie("survey_session")).isEqualTo(body.get("token").asText());
        // The cookie alone authenticates GETs too.
        assertThat(client.get("/api/surveys").statusCode()).isEqualTo(200);

        assertThat(client.send("DELETE", "/api/session", null, null, null).statusCode())
                .isEqualTo(204);
        assertThat(new WebClient(app.baseUrl())
                        .get("/api/surveys", body.get("token").asText())
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void wrongCredentialsAndMissingAuthAre401() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> wrong = client.postJson(
                "/api/session", "{\"email\":\"" + TestApp.ADMIN_EMAIL + "\",\"password\":\"nope\"}", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("error").asText()).isEqualTo("Wrong email or password.");
        for (String path :
                new String[] {"/api/surveys", "/api/surveys/1", "/api/surveys/1/results", "/api/surveys/1/results.csv"
                }) {
            HttpResponse<String> r = client.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(json(r).get("error").asText()).contains("Sign in");
        }
        assertThat(client.postJson("/api/surveys", POLL, null).statusCode()).isEqualTo(401);
        assertThat(client.postJson("/api/surveys", POLL, "forged-token").statusCode())
                .isEqualTo(401);
    }

    @Test
    void stateChangesNeedJsonContentType() {
        String token = token();
        HttpResponse<String> form = new WebClient(app.baseUrl())
                .send("POST", "/api/surveys", "application/x-www-form-urlencoded", "title=x", token);
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(json(form).get("error").asText()).contains("application/json");
        HttpResponse<String> plain =
                new WebClient(app.baseUrl()).send("POST", "/api/session", "text/plain", "{}", null);
        assertThat(plain.statusCode()).isEqualTo(403);
    }

    @Test
    void badJsonAndBadFieldsAre422WithFieldErrors() {
        String token = token();
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> broken = client.postJson("/api/surveys", "{not json", token);
        assertThat(broken.statusCode()).isEqualTo(422);
        assertThat(json(broken).at("/fields/body").asText()).contains("not valid JSON");
        assertThat(client.postJson("/api/surveys", "[1,2]", token).statusCode()).isEqualTo(422);
        assertThat(client.postJson("/api/surveys", "{\"title\":\"t\",\"questions\":5}", token)
                        .statusCode())
                .isEqualTo(422);

        HttpResponse<String> invalid = client.postJson(
                "/api/surveys", "{\"title\":\"\",\"questions\":[{\"text\":\"Q\",\"type\":\"nope\"}]}", token);
        assertThat(invalid.statusCode()).isEqualTo(422);
        JsonNode fields = json(invalid).get("fields");
        assertThat(fields.has("title")).isTrue();
        assertThat(fields.has("questions[0].type")).isTrue();
        assertThat(invalid.body()).doesNotContain("Exception");
    }

    @Test
    void fullLifecycleThroughTheApi() {
        String token = token();
        WebClient client = new WebClient(app.baseUrl());

        HttpResponse<String> created = client.postJson("/api/surveys", POLL, token);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode survey = json(created);
        long id = survey.get("id").asLong();
        String slug = survey.get("slug").asText();
        assertThat(survey.get("status").asText()).isEqualTo("draft");
        assertThat(survey.get("publicPath").asText()).isEqualTo("/s/" + slug);
        assertThat(survey.get("questions")).hasSize(4);

        HttpResponse<String> added = client.postJson(
                "/api/surveys/" + id + "/questions", "{\"text\":\"Temporary\",\"type\":\"text\"}", token);
        assertThat(added.statusCode()).isEqualTo(201);
        long temporary = json(added).get("questions").get(4).get("id").asLong();
        HttpResponse<String> deleted =
                client.send("DELETE", "/api/surveys/" + id + "/questions/" + temporary, null, null, token);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).get("questions")).hasSize(4);
        assertThat(client.send("DELETE", "/api/surveys/" + id + "/questions/" + temporary, null, null, token)
                        .statusCode())
                .isEqualTo(404);

        // Not public before publishing.
        WebClient respondent = new WebClient(app.baseUrl());
        assertThat(respondent.get("/api/public/surveys/" + slug).statusCode()).isEqualTo(404);

        HttpResponse<String> published = client.postJson("/api/surveys/" + id + "/publish", "{}", token);
        assertThat(published.statusCode()).isEqualTo(200);
        assertThat(json(published).get("status").asText()).isEqualTo("published");
        assertThat(client.postJson("/api/surveys/" + id + "/questions", "{\"text\":\"Late\",\"type\":\"text\"}", token)
                        .statusCode())
                .isEqualTo(409);

        JsonNode publicSurvey = json(respondent.get("/api/public/surveys/" + slug));
        assertThat(publicSurvey.get("acceptingAnswers").asBoolean()).isTrue();
        assertThat(publicSurvey.has("id")).as("no internal ids of the survey").isFalse();
        JsonNode questions = publicSurvey.get("questions");
        long colour = questions.get(0).get("id").asLong();
        long pets = questions.get(1).get("id").asLong();
        long score = questions.get(2).get("id").asLong();
        long why = questions.get(3).get("id").asLong();
        long red = questions.get(0).get("options").get(0).get("id").asLong();
        long cat = questions.get(1).get("options").get(0).get("id").asLong();
        long dog = questions.get(1).get("options").get(1).get("id").asLong();

        String path = "/api/public/surveys/" + slug + "/responses";
        String issued = publicSurvey.get("respondentToken").asText();
        assertThat(issued).startsWith("r1.");
        HttpResponse<String> missing = respondent.postJson(
                path, "{\"respondentToken\":\"" + issued + "\",\"answers\":{\"" + score + "\": 9}}", null);
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(json(missing).get("fields").has("q" + colour)).isTrue();
        assertThat(json(missing).get("fields").has("q" + score)).isTrue();
        assertThat(respondent.postJson(path, "{\"answers\":[]}", null).statusCode())
                .isEqualTo(422);
        assertThat(respondent.postJson(path, "{\"answers\":{\"abc\":1}}", null).statusCode())
                .isEqualTo(422);
        HttpResponse<String> anonymous =
                new WebClient(app.baseUrl()).postJson(path, "{\"answers\":{\"" + colour + "\":" + red + "}}", null);
        assertThat(anonymous.statusCode())
                .as("no respondent token and no cookie")
                .isEqualTo(403);
        assertThat(json(anonymous).get("error").asText()).contains("respondentToken");
        assertThat(respondent
                        .postJson(
                                path,
                                "{\"respondentToken\":\"r-1\",\"answers\":{\"" + colour + "\":" + red + "}}",
                                null)
                        .statusCode())
                .as("a respondent token the client made up")
                .isEqualTo(403);

        String answers = "{\"respondentToken\":\"" + issued + "\",\"answers\":{\"" + colour + "\":" + red + ",\"" + pets
                + "\":[" + cat + "," + dog + "],\"" + score + "\":5,\"" + why + "\":\"Because\"}}";
        HttpResponse<String> ok = respondent.postJson(path, answers, null);
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(json(ok).get("responseId").asLong()).isPositive();
        HttpResponse<String> duplicate = respondent.postJson(path, answers, null);
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(json(duplicate).get("error").asText()).contains("already answered");

        JsonNode results = json(client.get("/api/surveys/" + id + "/results", token));
        assertThat(results.get("responseCount").asLong()).isEqualTo(1);
        assertThat(results.at("/questions/0/counts/0/count").asLong()).isEqualTo(1);
        assertThat(results.at("/questions/1/counts/1/label").asText()).isEqualTo("Dog");
        assertThat(results.at("/questions/2/averageRating").asDouble()).isEqualTo(5.0);
        assertThat(results.at("/questions/3/texts/0").asText()).isEqualTo("Because");

        HttpResponse<String> csv = client.get("/api/surveys/" + id + "/results.csv", token);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).contains(",\"Red\",\"Cat; Dog\",\"5\",\"Because\"");

        JsonNode list = json(client.get("/api/surveys", token));
        assertThat(list.findValuesAsText("slug")).contains(slug);
        assertThat(json(client.get("/api/surveys/" + id, token)).get("title").asText())
                .isEqualTo("API poll");

        assertThat(client.postJson("/api/surveys/" + id + "/close", "{}", token).statusCode())
                .isEqualTo(200);
        assertThat(json(respondent.get("/api/public/surveys/" + slug))
                        .get("acceptingAnswers")
                        .asBoolean())
                .isFalse();
        String another = json(new WebClient(app.baseUrl()).get("/api/public/surveys/" + slug))
                .get("respondentToken")
                .asText();
        assertThat(respondent
                        .postJson(path, answers.replace(issued, another), null)
                        .statusCode())
                .isEqualTo(409);
        assertThat(client.postJson("/api/surveys/" + id + "/close", "{}", token).statusCode())
                .isEqualTo(409);
    }

    @Test
    void respondentCookieIsUsedWhenNoTokenIsSent() {
        String token = token();
        WebClient client = new WebClient(app.baseUrl());
        JsonNode survey = json(client.postJson(
                "/api/surveys",
                "{\"title\":\"Cookie\",\"questions\":[{\"text\":\"Q\",\"type\":\"text\",\"required\":true}]}",
                token));
        client.postJson("/api/surveys/" + survey.get("id").asLong() + "/publish", "{}", token);
        String slug = survey.get("slug").asText();
        long q = survey.at("/questions/0/id").asLong();

        WebClient browser = new WebClient(app.baseUrl());
        browser.get("/s/" + slug); // sets the respondent cookie
        String body = "{\"answers\":{\"" + q + "\":\"hi\"}}";
        assertThat(browser.postJson("/api/public/surveys/" + slug + "/responses", body, null)
                        .statusCode())
                .isEqualTo(201);
        assertThat(browser.postJson("/api/public/surveys/" + slug + "/responses", body, null)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void unknownThingsAre404InJson() {
        String token = token();
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> r = client.get("/api/surveys/424242", token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isEqualTo("No such survey.");
        assertThat(client.get("/api/surveys/abc", token).statusCode()).isEqualTo(404);
        assertThat(client.get("/api/public/surveys/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> route = client.get("/api/nothing-here");
        assertThat(route.statusCode()).isEqualTo(404);
        assertThat(json(route).get("error").asText()).isEqualTo("There is nothing at this address.");
    }
}
