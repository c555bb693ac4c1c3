package io.redeploy.survey.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.redeploy.survey.domain.NewQuestion;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.service.AuthService;
import io.redeploy.survey.service.ResponseService;
import io.redeploy.survey.service.ResultsService;
import io.redeploy.survey.service.SurveyService;
import io.redeploy.survey.service.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON API: the same operations as the pages. Authenticate with {@code POST /api/session}, then send
 * the returned token as {@code Authorization: Bearer <token>} (or keep the session cookie it also sets).
 */
public final class ApiRoutes {
    private final AuthService auth;
    private final SurveyService surveys;
    private final ResponseService responses;
    private final ResultsService results;
    private final Cookies cookies;
    private final RespondentCookie respondents;
    private final ObjectMapper json;
    private final Duration sessionTtl;

    public ApiRoutes(
            AuthService auth,
            SurveyService surveys,
            ResponseService responses,
            ResultsService results,
            Cookies cookies,
            RespondentCookie respondents,
            ObjectMapper json,
            Duration sessionTtl) {
        this.auth = auth;
        this.surveys = surveys;
        this.responses = responses;
        this.results = results;
        this.cookies = cookies;
        this.respondents = respondents;
        this.json = json;
        this.sessionTtl = sessionTtl;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/session", this::signIn);
        routes.delete("/api/session", ctx -> {
            auth.endSession(ctx.attribute(RequestGuards.SESSION_TOKEN));
            cookies.clear(ctx, Cookies.SESSION);
            ctx.status(204);
        });

        routes.get(
                "/api/surveys",
                ctx -> ctx.json(
                        surveys.list(userId(ctx)).stream().map(ApiJson::summary).toList()));
        routes.post("/api/surveys", this::createSurvey);
        routes.get("/api/surveys/{id}", ctx -> ctx.json(ApiJson.survey(surveys.get(userId(ctx), PageRoutes.id(ctx)))));
        routes.post("/api/surveys/{id}/questions", ctx -> {
            JsonNode body = body(ctx);
            ctx.status(201).json(ApiJson.survey(surveys.addQuestion(userId(ctx), PageRoutes.id(ctx), question(body))));
        });
        routes.delete(
                "/api/surveys/{id}/questions/{questionId}",
                ctx -> ctx.json(ApiJson.survey(surveys.deleteQuestion(
                        userId(ctx), PageRoutes.id(ctx), PageRoutes.longParam(ctx, "questionId")))));
        routes.post(
                "/api/surveys/{id}/publish",
                ctx -> ctx.json(ApiJson.survey(surveys.publish(userId(ctx), PageRoutes.id(ctx)))));
        routes.post(
                "/api/surveys/{id}/close",
                ctx -> ctx.json(ApiJson.survey(surveys.close(userId(ctx), PageRoutes.id(ctx)))));
        routes.get(
                "/api/surveys/{id}/results",
                ctx -> ctx.json(ApiJson.results(results.results(userId(ctx), PageRoutes.id(ctx)))));
        routes.get(
                "/api/surveys/{id}/results.csv",
                ctx -> CsvResponse.send(
                        ctx,
                        surveys.get(userId(ctx), PageRoutes.id(ctx)),
                        results.csv(userId(ctx), PageRoutes.id(ctx))));

        // Also where API respondents get their token (and browsers the same one as a cookie).
        routes.get(
                "/api/public/surveys/{slug}",
                ctx -> ctx.json(ApiJson.publicSurvey(
                        surveys.findPublic(ctx.pathParam("slug")), respondents.currentOrIssue(ctx))));
        routes.post("/api/public/surveys/{slug}/responses", this::submitResponse);
    }

    private void signIn(Context ctx) {
        JsonNode body = body(ctx);
        User user = auth.authenticate(text(body, "email"), text(body, "password"), RequestGuards.client(ctx))
                .orElseThrow(() -> new ApiUnauthorizedException("Wrong email or password."));
        String token = auth.startSession(user);
        cookies.set(ctx, Cookies.SESSION, token, sessionTtl.toSeconds(), "Lax");
        ctx.json(Map.of(
                "token",
                token,
                "user",
                Map.of("id", user.id(), "email", user.email()),
                "expiresInSeconds",
                sessionTtl.toSeconds()));
    }

    private void createSurvey(Context ctx) {
        JsonNode body = body(ctx);
        List<NewQuestion> questions = new ArrayList<>();
        JsonNode list = body.path("questions");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw ValidationException.of("questions", "Must be a list.");
        }
        list.forEach(q -> questions.add(question(q)));
        ctx.status(201)
                .json(ApiJson.survey(surveys.createWithQuestions(
                        userId(ctx), text(body, "title"), text(body, "description"), questions)));
    }

    /**
     * Body: {@code {"respondentToken": "...", "answers": {"<questionId>": "text" | 4 | <optionId> | [ids]}}}.
     * The token is the one {@code GET /api/public/surveys/{slug}} handed out; without it the respondent cookie is
     * used. A token the server did not issue is refused (403).
     */
    private void submitResponse(Context ctx) {
        JsonNode body = body(ctx);
        JsonNode answersNode = body.path("answers");
        if (!answersNode.isObject()) {
            throw ValidationException.of("answers", "Send answers as an object keyed by question id.");
        }
        Map<Long, List<String>> answers = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = answersNode.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            long questionId;
            try {
                questionId = Long.parseLong(field.getKey());
            } catch (NumberFormatException e) {
                throw ValidationException.of("answers", "Question ids are numbers: " + field.getKey());
            }
            List<String> values = new ArrayList<>();
            if (field.getValue().isArray()) {
                field.getValue().forEach(v -> values.add(v.asText()));
            } else if (!field.getValue().isNull()) {
                values.add(field.getValue().asText());
            }
            answers.put(questionId, values);
        }
        String respondent = text(body, "respondentToken");
        if (respondent == null || respondent.isBlank()) {
            respondent = respondents.current(ctx);
        }
        long id = responses.submit(ctx.pathParam("slug"), respondent, RequestGuards.client(ctx), answers);
        ctx.status(201).json(Map.of("responseId", id));
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode node = json.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw ValidationException.of("body", "Send a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ValidationException.of("body", "The body is not valid JSON.");
        }
    }

    private static NewQuestion question(JsonNode node) {
        List<String> options = new ArrayList<>();
        node.path("options").forEach(o -> options.add(o.asText()));
        return new NewQuestion(
                text(node, "text"), text(node, "type"), node.path("required").asBoolean(false), options);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static long userId(Context ctx) {
        return RequestGuards.requireUser(ctx).id();
    }
}
