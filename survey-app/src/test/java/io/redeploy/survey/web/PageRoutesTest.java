package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every HTML route over real HTTP against the app on a free port and its own database. */
class PageRoutesTest {
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static WebClient signedIn() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> login =
                client.postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD);
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/surveys");
        return client;
    }

    /** Creates a survey through the pages and returns its id. */
    private static long createSurvey(WebClient client, String title) {
        HttpResponse<String> created = client.postForm("/surveys", "title", title, "description", "About " + title);
        assertThat(created.statusCode()).isEqualTo(303);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/surveys/\\d+");
        return Long.parseLong(location.substring("/surveys/".length()));
    }

    private static String publicPath(WebClient client, long surveyId) {
        Matcher m = Pattern.compile("href=\"(/s/[A-Za-z0-9]+)\"")
                .matcher(client.get("/surveys/" + surveyId).body());
        assertThat(m.find()).as("public link on the survey page").isTrue();
        return m.group(1);
    }

    private static String firstMatch(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertThat(m.find()).as("pattern %s", regex).isTrue();
        return m.group(1);
    }

    @Test
    void healthIsGreenWithoutCookies() {
        HttpResponse<String> health = new WebClient(app.baseUrl()).get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"database\":\"up\",\"migrations\":\"done\"}");
        assertThat(health.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void rootSendsVisitorsToLoginAndSurveyorsToTheirSurveys() {
        WebClient visitor = new WebClient(app.baseUrl());
        assertThat(visitor.get("/").headers().firstValue("Location")).contains("/login");
        assertThat(signedIn().get("/").headers().firstValue("Location")).contains("/surveys");
    }

    @Test
    void loginPageRendersTheCsrfTokenOfItsCookieAndSecurityHeaders() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> page = client.get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Sign in</h1>").doesNotContain("/signup");
        assertThat(WebClient.hiddenCsrf(page.body())).isNotBlank().isEqualTo(client.cookie("survey_csrf"));
        assertThat(client.setCookieHeader("survey_csrf"))
                .contains("HttpOnly", "SameSite=Strict")
                .doesNotContain("Secure");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("default-src 'self'");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(client.get("/static/style.css").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordShowsAnErrorAndNoSession() {
        WebClient client = new WebClient(app.baseUrl());
        HttpResponse<String> response = client.postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", "nope");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("Wrong email or password.").contains("value=\"" + TestApp.ADMIN_EMAIL);
        assertThat(client.cookie("survey_session")).isNull();
    }

    @Test
    void sessionCookieIsHttpOnlyLaxAndSignOutEndsIt() {
        WebClient client = signedIn();
        assertThat(client.setCookieHeader("survey_session")).contains("HttpOnly", "SameSite=Lax", "Max-Age=3600");
        String token = client.cookie("survey_session");
        assertThat(client.get("/surveys").statusCode()).isEqualTo(200);

        HttpResponse<String> logout = client.postForm("/logout");
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(client.cookie("survey_session")).isNull();
        // The old token is dead on the server too, not only forgotten by this browser.
        WebClient replay = new WebClient(app.baseUrl());
        assertThat(replay.get("/api/surveys", token).statusCode()).isEqualTo(401);
    }

    @Test
    void surveyorPagesRequireSignIn() {
        WebClient visitor = new WebClient(app.baseUrl());
        for (String path : new String[] {"/surveys", "/surveys/1", "/surveys/1/results", "/surveys/1/results.csv"}) {
            HttpResponse<String> r = visitor.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(path).contains("/login");
        }
        HttpResponse<String> post = visitor.postForm("/surveys", "title", "Sneaky");
        assertThat(post.statusCode()).isEqualTo(303);
        assertThat(post.headers().firstValue("Location")).contains("/login");
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() {
        WebClient client = signedIn();
        HttpResponse<String> missing = client.postFormRaw("/surveys", "title", "No token");
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("This form has expired").doesNotContain("Exception");
        HttpResponse<String> forged = client.postFormRaw("/surveys", "title", "Forged", "_csrf", "guess");
        assertThat(forged.statusCode()).isEqualTo(403);
        WebClient noCookie = new WebClient(app.baseUrl());
        assertThat(noCookie.postFormRaw("/login", "email", "a", "password", "b", "_csrf", "x")
                        .statusCode())
                .isEqualTo(403);
        assertThat(client.get("/surveys").body()).doesNotContain("No token").doesNotContain("Forged");
    }

    @Test
    void badSurveyInputIsShownOnTheForm() {
        WebClient client = signedIn();
        HttpResponse<String> response = client.postForm("/surveys", "title", "  ", "description", "kept <b>");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("Enter a title.").contains("kept &lt;b&gt;");
    }

    @Test
    void buildPublishAnswerAndReadResults() {
        WebClient surveyor = signedIn();
        long id = createSurvey(surveyor, "Lunch <script>");
        HttpResponse<String> page = surveyor.get("/surveys/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Lunch &lt;script&gt;")
                .doesNotContain("<script>")
                .contains("draft");

        assertThat(surveyor.postForm(
                                "/surveys/" + id + "/questions",
                                "text",
                                "Favourite dish",
                                "type",
                                "single_choice",
                                "options",
                                "Pasta\r\nCurry\r\n",
                                "required",
                                "on")
                        .statusCode())
                .isEqualTo(303);
        assertThat(surveyor.postForm(
                                "/surveys/" + id + "/questions",
                                "text",
                                "Extras",
                                "type",
                                "multiple_choice",
                                "options",
                                "Salad\nBread")
                        .statusCode())
                .isEqualTo(303);
        assertThat(surveyor.postForm("/surveys/" + id + "/questions", "text", "How hungry", "type", "rating")
                        .statusCode())
                .isEqualTo(303);
        assertThat(surveyor.postForm("/surveys/" + id + "/questions", "text", "Anything else", "type", "text")
                        .statusCode())
                .isEqualTo(303);
        assertThat(surveyor.postForm("/surveys/" + id + "/questions", "text", "To remove", "type", "text")
                        .statusCode())
                .isEqualTo(303);

        String editPage = surveyor.get("/surveys/" + id).body();
        String removeAction = firstMatch(editPage, "action=\"(/surveys/" + id + "/questions/\\d+/delete)\"");
        // The first delete form belongs to the first question; delete the last one instead.
        Matcher all = Pattern.compile("action=\"(/surveys/" + id + "/questions/\\d+/delete)\"")
                .matcher(editPage);
        while (all.find()) {
            removeAction = all.group(1);
        }
        assertThat(surveyor.postForm(removeAction).statusCode()).isEqualTo(303);
        assertThat(surveyor.get("/surveys/" + id).body())
                .doesNotContain("To remove")
                .contains("Anything else");

        HttpResponse<String> badQuestion = surveyor.postForm(
                "/surveys/" + id + "/questions", "text", "Pick", "type", "single_choice", "options", "Only one");
        assertThat(badQuestion.statusCode()).isEqualTo(422);
        assertThat(badQuestion.body()).contains("Give at least two options").contains("value=\"Pick\"");

        assertThat(surveyor.postForm("/surveys/" + id + "/publish").statusCode())
                .isEqualTo(303);
        String publicPath = publicPath(surveyor, id);

        // A respondent: the form, a validation error, then a valid submission.
        WebClient respondent = new WebClient(app.baseUrl());
        HttpResponse<String> form = respondent.get(publicPath);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(respondent.setCookieHeader("survey_respondent")).contains("HttpOnly", "SameSite=Lax");
        String dishField = firstMatch(form.body(), "name=\"(q\\d+)\" value=\"\\d+\"> Pasta");
        String pasta = firstMatch(form.body(), "name=\"q\\d+\" value=\"(\\d+)\"> Pasta");
        String extrasField = firstMatch(form.body(), "name=\"(q\\d+)\" value=\"\\d+\"> Salad");
        String salad = firstMatch(form.body(), "name=\"q\\d+\" value=\"(\\d+)\"> Salad");
        String bread = firstMatch(form.body(), "name=\"q\\d+\" value=\"(\\d+)\"> Bread");
        String ratingField = firstMatch(form.body(), "name=\"(q\\d+)\" value=\"5\"");
        String textField = firstMatch(form.body(), "<textarea name=\"(q\\d+)\"");

        HttpResponse<String> invalid = respondent.postForm(publicPath, extrasField, salad, ratingField, "9");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body())
                .contains("This question needs an answer.")
                .contains("Choose a rating from 1 to 5.")
                .contains("Please check the answers")
                .doesNotContain("Exception")
                .doesNotContain("at io.");
        assertThat(invalid.body()).contains("value=\"" + salad + "\" checked");

        HttpResponse<String> ok = respondent.postForm(
                publicPath,
                dishField,
                pasta,
                extrasField,
                salad,
                extrasField,
                bread,
                ratingField,
                "4",
                textField,
                "More <i>cheese</i>");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).contains(publicPath + "/thanks");
        assertThat(respondent.get(publicPath + "/thanks").body()).contains("Your answers have been recorded");

        // Answer once: the page says so, and a replayed post is refused.
        assertThat(respondent.get(publicPath).body()).contains("already answered");
        HttpResponse<String> again = respondent.postForm(publicPath, dishField, pasta);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already answered");

        WebClient second = new WebClient(app.baseUrl());
        second.get(publicPath);
        assertThat(second.postForm(
                                publicPath,
                                dishField,
                                firstMatch(form.body(), "name=\"q\\d+\" value=\"(\\d+)\"> Curry"))
                        .statusCode())
                .isEqualTo(303);

        HttpResponse<String> results = surveyor.get("/surveys/" + id + "/results");
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(results.body())
                .contains("<span id=\"response-count\">2</span>")
                .contains("More &lt;i&gt;cheese&lt;/i&gt;")
                .contains("average 4.0")
                .containsPattern("Pasta</td>\\s*<td class=\"count\">1</td>")
                .containsPattern("Curry</td>\\s*<td class=\"count\">1</td>")
                .containsPattern("Bread</td>\\s*<td class=\"count\">1</td>");

        HttpResponse<String> csv = surveyor.get("/surveys/" + id + "/results.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).get().asString().startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition"))
                .get()
                .asString()
                .contains("attachment");
        assertThat(csv.body())
                .startsWith("\"response_id\",\"submitted_at\",\"Favourite dish\",\"Extras\",\"How hungry\","
                        + "\"Anything else\"\r\n")
                .contains(",\"Pasta\",\"Salad; Bread\",\"4\",\"More <i>cheese</i>\"\r\n")
                .contains(",\"Curry\",\"\",\"\",\"\"\r\n");

        // Closing stops new answers but keeps results.
        assertThat(surveyor.postForm("/surveys/" + id + "/close").statusCode()).isEqualTo(303);
        WebClient late = new WebClient(app.baseUrl());
        assertThat(late.get(publicPath).body()).contains("closed");
        HttpResponse<String> lateAnswer = late.postForm(publicPath, dishField, pasta);
        assertThat(lateAnswer.statusCode()).isEqualTo(409);
        assertThat(surveyor.get("/surveys/" + id + "/results").statusCode()).isEqualTo(200);
    }

    @Test
    void nulCharactersInInputDoNotBreakAnything() {
        WebClient client = new WebClient(app.baseUrl());
        assertThat(client.postForm("/login", "email", "admin\u0000@example.test", "password", "x")
                        .statusCode())
                .isEqualTo(401);
        WebClient surveyor = signedIn();
        long id = createSurvey(surveyor, "Nul\u0000 title");
        assertThat(surveyor.get("/surveys/" + id).body()).contains("Nul title");
    }

    @Test
    void signingInAgainReplacesTheOldSession() {
        WebClient client = signedIn();
        String first = client.cookie("survey_session");
        client.postForm("/login", "email", TestApp.ADMIN_EMAIL, "password", TestApp.ADMIN_PASSWORD);
        String second = client.cookie("survey_session");
        assertThat(second).isNotEqualTo(first);
        WebClient other = new WebClient(app.baseUrl());
        assertThat(other.get("/api/surveys", first).statusCode()).isEqualTo(401);
        assertThat(other.get("/api/surveys", second).statusCode()).isEqualTo(200);
    }

    @Test
    void publishingAnEmptySurveyOrEditingAPublishedOneIsExplained() {
        WebClient surveyor = signedIn();
        long id = createSurvey(surveyor, "Empty");
        HttpResponse<String> publish = surveyor.postForm("/surveys/" + id + "/publish");
        assertThat(publish.statusCode()).isEqualTo(409);
        assertThat(publish.body()).contains("Add at least one question");

        surveyor.postForm("/surveys/" + id + "/questions", "text", "Q", "type", "text");
        surveyor.postForm("/surveys/" + id + "/publish");
        HttpResponse<String> edit = surveyor.postForm("/surveys/" + id + "/questions", "text", "Late", "type", "text");
        assertThat(edit.statusCode()).isEqualTo(409);
        assertThat(edit.body()).contains("only be changed while the survey is a draft");
    }

    @Test
    void draftsAndUnknownThingsAreNotFound() {
        WebClient surveyor = signedIn();
        long id = createSurvey(surveyor, "Hidden draft");
        // Drafts show no public link; the API tells the slug anyway.
        String publicPath =
                "/s/" + firstMatch(surveyor.get("/api/surveys/" + id).body(), "\"slug\":\"(\\w+)\"");
        WebClient visitor = new WebClient(app.baseUrl());
        assertThat(visitor.get(publicPath).statusCode()).isEqualTo(404);
        assertThat(visitor.get("/s/doesnotexist").statusCode()).isEqualTo(404);
        assertThat(visitor.get("/s/doesnotexist/thanks").statusCode()).isEqualTo(404);
        assertThat(visitor.postForm("/s/doesnotexist", "q1", "x").statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = visitor.get("/no/such/page");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("There is nothing at this address.");
        assertThat(surveyor.get("/surveys/not-a-number").statusCode()).isEqualTo(404);
        assertThat(surveyor.get("/surveys/987654321").statusCode()).isEqualTo(404);
        assertThat(surveyor.postForm("/surveys/" + id + "/questions/987654321/delete")
                        .statusCode())
                .isEqualTo(404);
        assertThat(visitor.get("/signup").statusCode()).isEqualTo(404);
        assertThat(visitor.postForm("/signup", "email", "x@example.test", "password", "long enough 1")
                        .statusCode())
                .isEqualTo(404);
    }
}
