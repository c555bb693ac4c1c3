package io.redeploy.survey.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.redeploy.survey.support.PublishedSurvey;
import io.redeploy.survey.support.TestApp;
import io.redeploy.survey.support.WebClient;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on "answer once": a script that invents respondent tokens, one that keeps fetching fresh ones, and
 * many addresses piling onto one survey. Clients are told apart by the X-Forwarded-For that the (trusted,
 * loopback) reverse proxy would add; the addresses are documentation ranges and only ever a header value.
 */
class ResponseStuffingAttackTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PER_ADDRESS = 5;
    private static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(Map.of(
                "RESPONSES_PER_HOUR_PER_ADDRESS",
                String.valueOf(PER_ADDRESS),
                "RESPONSES_PER_MINUTE_PER_SURVEY",
                "1000"));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean accepted(HttpResponse<String> r) {
        return r.statusCode() == 201 || r.statusCode() == 303;
    }

    @Test
    void respondentTokensInventedByTheClientAreNotAccepted() {
        PublishedSurvey survey = PublishedSurvey.oneTextQuestion(app, "Stuffing by invented tokens");
        long q = survey.questions()[0];
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // A different address for every post: the limits per address must not be what stops this attack.
            WebClient attacker = new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "192.0.2." + (i + 1));
            HttpResponse<String> r;
            switch (i % 4) {
                case 0 ->
                    r = attacker.postJson(
                            survey.apiResponsesPath(),
                            "{\"respondentToken\":\"" + randomToken() + "\",\"answers\":{\"" + q + "\":\"spam " + i
                                    + "\"}}",
                            null);
                case 1 -> {
                    attacker.plantCookie("survey_respondent", randomToken());
                    r = attacker.postJson(survey.apiResponsesPath(), "{\"answers\":{\"" + q + "\":\"spam\"}}", null);
                }
                case 2 -> {
                    attacker.plantCookie("survey_respondent", randomToken());
                    r = attacker.postForm(survey.publicPath(), "q" + q, "spam " + i);
                }
                default -> {
                    // No respondent cookie at all: the form post must not mint one and count the answer.
                    r = attacker.postForm(survey.publicPath(), "q" + q, "spam " + i);
                }
            }
            statuses.add(r.statusCode());
        }
        assertThat(statuses).as("statuses of 40 posts with invented tokens").noneMatch(s -> s == 201 || s == 303);
        assertThat(statuses).allMatch(s -> s == 403);
        assertThat(survey.responseCount()).isZero();
    }

    @Test
    void clearingCookiesInALoopIsStoppedPerAddress() {
        PublishedSurvey survey = PublishedSurvey.oneTextQuestion(app, "Stuffing by clearing cookies");
        long q = survey.questions()[0];
        int acceptedCount = 0;
        HttpResponse<String> limited = null;
        for (int i = 0; i < 20; i++) {
            // A fresh browser each time (cookies cleared), always from the same address.
            WebClient attacker = new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "198.51.100.7");
            attacker.get(survey.publicPath());
            HttpResponse<String> r = attacker.postForm(survey.publicPath(), "q" + q, "again " + i);
            if (accepted(r)) {
                acceptedCount++;
            } else if (r.statusCode() == 429 && limited == null) {
                limited = r;
            }
        }
        assertThat(acceptedCount).as("responses accepted from one address").isEqualTo(PER_ADDRESS);
        assertThat(limited).as("a 429 once the address is over its limit").isNotNull();
        assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong))
                .get()
                .satisfies(seconds -> assertThat(seconds).isPositive());
        assertThat(limited.body()).contains("Too many");

        // Someone else, behind another address, still gets through.
        WebClient neighbour = new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "198.51.100.8");
        neighbour.get(survey.publicPath());
        assertThat(neighbour.postForm(survey.publicPath(), "q" + q, "hello").statusCode())
                .isEqualTo(303);
        assertThat(survey.responseCount()).isEqualTo(PER_ADDRESS + 1);
    }

    @Test
    void manyAddressesAreStoppedPerSurvey() {
        try (TestApp limited = TestApp.start(Map.of("RESPONSES_PER_MINUTE_PER_SURVEY", "6"))) {
            PublishedSurvey survey = PublishedSurvey.oneTextQuestion(limited, "Stuffing from a botnet");
            long q = survey.questions()[0];
            int acceptedCount = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 15; i++) {
                WebClient bot = new WebClient(limited.baseUrl()).withHeader("X-Forwarded-For", "203.0.113." + (i + 1));
                JsonNode form = PublishedSurvey.json(bot.get("/api/public/surveys/" + survey.slug()));
                String token = form.path("respondentToken").asText(randomToken());
                HttpResponse<String> r = bot.postJson(
                        survey.apiResponsesPath(),
                        "{\"respondentToken\":\"" + token + "\",\"answers\":{\"" + q + "\":\"bot " + i + "\"}}",
                        null);
                if (accepted(r)) {
                    acceptedCount++;
                } else if (r.statusCode() == 429 && refused == null) {
                    refused = r;
                }
            }
            assertThat(acceptedCount)
                    .as("responses accepted for one survey within a minute")
                    .isEqualTo(6);
            assertThat(refused).isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(PublishedSurvey.json(refused).get("error").asText()).contains("Too many");
        }
    }

    @Test
    void tokensIssuedByOneInstanceHoldOnAnotherAndAfterARestart() {
        PublishedSurvey survey = PublishedSurvey.oneTextQuestion(app, "Two instances");
        long q = survey.questions()[0];
        WebClient respondent = new WebClient(app.baseUrl()).withHeader("X-Forwarded-For", "192.0.2.200");
        JsonNode form = PublishedSurvey.json(respondent.get("/api/public/surveys/" + survey.slug()));
        String token = form.path("respondentToken").asText();
        assertThat(token).as("the public survey hands out a respondent token").isNotBlank();
        String body = "{\"respondentToken\":\"" + token + "\",\"answers\":{\"" + q + "\":\"once\"}}";

        try (TestApp second = app.anotherInstance(Map.of())) {
            WebClient viaSecond = new WebClient(second.baseUrl()).withHeader("X-Forwarded-For", "192.0.2.200");
            assertThat(viaSecond.postJson(survey.apiResponsesPath(), body, null).statusCode())
                    .as("a token from instance 1 is honoured by instance 2")
                    .isEqualTo(201);
        }
        try (TestApp restarted = app.anotherInstance(Map.of())) {
            HttpResponse<String> again = new WebClient(restarted.baseUrl())
                    .withHeader("X-Forwarded-For", "192.0.2.200")
                    .postJson(survey.apiResponsesPath(), body, null);
            assertThat(again.statusCode())
                    .as("still the same respondent after a restart")
                    .isEqualTo(409);
        }
        assertThat(respondent.postJson(survey.apiResponsesPath(), body, null).statusCode())
                .isEqualTo(409);
        assertThat(survey.responseCount()).isEqualTo(1);
    }
}
