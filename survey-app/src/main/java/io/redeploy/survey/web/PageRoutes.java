package io.redeploy.survey.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.redeploy.survey.domain.NewQuestion;
import io.redeploy.survey.domain.Question;
import io.redeploy.survey.domain.Survey;
import io.redeploy.survey.domain.User;
import io.redeploy.survey.service.AuthService;
import io.redeploy.survey.service.ConflictException;
import io.redeploy.survey.service.NotFoundException;
import io.redeploy.survey.service.ResponseService;
import io.redeploy.survey.service.ResultsService;
import io.redeploy.survey.service.SurveyService;
import io.redeploy.survey.service.TooManyRequestsException;
import io.redeploy.survey.service.ValidationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The server-rendered pages: sign-in, the surveyor's surveys, results, and the public survey form. */
public final class PageRoutes {
    /** Shown after every sign-up, whether or not the email had an account: the page must not tell. */
    static final String SIGNED_UP = "Thank you. If this email had no account yet, it has one now: sign in with it."
            + " If it already had one, nothing was changed: sign in with its password.";

    private final AuthService auth;
    private final SurveyService surveys;
    private final ResponseService responses;
    private final ResultsService results;
    private final Templates templates;
    private final Cookies cookies;
    private final RespondentCookie respondents;
    private final boolean signupOpen;
    private final Duration sessionTtl;

    public PageRoutes(
            AuthService auth,
            SurveyService surveys,
            ResponseService responses,
            ResultsService results,
            Templates templates,
            Cookies cookies,
            RespondentCookie respondents,
            boolean signupOpen,
            Duration sessionTtl) {
        this.auth = auth;
        this.surveys = surveys;
        this.responses = responses;
        this.results = results;
        this.templates = templates;
        this.cookies = cookies;
        this.respondents = respondents;
        this.signupOpen = signupOpen;
        this.sessionTtl = sessionTtl;
    }

    public void register(RoutesConfig routes) {
        routes.get(
                "/",
                ctx -> ctx.redirect(
                        RequestGuards.currentUser(ctx).isPresent() ? "/surveys" : "/login", HttpStatus.SEE_OTHER));
        routes.get("/login", ctx -> showLogin(ctx, FormState.EMPTY, 200));
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        routes.get("/signup", ctx -> showSignup(ctx, FormState.EMPTY, 200));
        routes.post("/signup", this::signup);

        routes.get("/surveys", ctx -> showSurveys(ctx, FormState.EMPTY, 200));
        routes.post("/surveys", this::createSurvey);
        routes.get("/surveys/{id}", ctx -> showSurvey(ctx, surveys.get(userId(ctx), id(ctx)), FormState.EMPTY, 200));
        routes.post("/surveys/{id}/questions", this::addQuestion);
        routes.post("/surveys/{id}/questions/{questionId}/delete", ctx -> {
            surveys.deleteQuestion(userId(ctx), id(ctx), longParam(ctx, "questionId"));
            ctx.redirect("/surveys/" + id(ctx), HttpStatus.SEE_OTHER);
        });
        routes.post("/surveys/{id}/publish", ctx -> {
            surveys.publish(userId(ctx), id(ctx));
            ctx.redirect("/surveys/" + id(ctx), HttpStatus.SEE_OTHER);
        });
        routes.post("/surveys/{id}/close", ctx -> {
            surveys.close(userId(ctx), id(ctx));
            ctx.redirect("/surveys/" + id(ctx), HttpStatus.SEE_OTHER);
        });
        routes.get(
                "/surveys/{id}/results",
                ctx -> templates.render(
                        ctx,
                        "results.jte",
                        Map.of("page", page(ctx, "Results"), "results", results.results(userId(ctx), id(ctx)))));
        routes.get(
                "/surveys/{id}/results.csv",
                ctx -> CsvResponse.send(ctx, surveys.get(userId(ctx), id(ctx)), results.csv(userId(ctx), id(ctx))));

        routes.get("/s/{slug}", this::showPublicSurvey);
        routes.post("/s/{slug}", this::answerSurvey);
        routes.get("/s/{slug}/thanks", ctx -> {
            Survey survey = surveys.findPublic(ctx.pathParam("slug"));
            message(ctx, 200, survey.title(), "Thank you! Your answers have been recorded.");
        });
    }

    private void showLogin(Context ctx, FormState form, int status) {
        String notice = ctx.queryParam("registered") != null ? SIGNED_UP : "";
        templates.render(
                ctx,
                status,
                "login.jte",
                Map.of("page", page(ctx, "Sign in"), "form", form, "signupOpen", signupOpen, "notice", notice));
    }

    private void login(Context ctx) {
        String email = ctx.formParam("email");
        Optional<User> user;
        try {
            user = auth.authenticate(email, ctx.formParam("password"), RequestGuards.client(ctx));
        } catch (TooManyRequestsException e) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            showLogin(
                    ctx,
                    new FormState(Map.of("email", List.of(nullToEmpty(email))), Map.of("email", e.getMessage())),
                    429);
            return;
        }
        if (user.isEmpty()) {
            showLogin(
                    ctx,
                    new FormState(
                            Map.of("email", List.of(nullToEmpty(email))), Map.of("email", "Wrong email or password.")),
                    401);
            return;
        }
        startSession(ctx, user.get());
        ctx.redirect("/surveys", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        auth.endSession(ctx.attribute(RequestGuards.SESSION_TOKEN));
        cookies.clear(ctx, Cookies.SESSION);
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void showSignup(Context ctx, FormState form, int status) {
        if (!signupOpen) {
            throw new NotFoundException("Sign-up is closed. Ask an administrator for an account.");
        }
        templates.render(ctx, status, "signup.jte", Map.of("page", page(ctx, "Create an account"), "form", form));
    }

    private void signup(Context ctx) {
        if (!signupOpen) {
            throw new NotFoundException("Sign-up is closed. Ask an administrator for an account.");
        }
        String email = ctx.formParam("email");
        try {
            auth.signUp(email, ctx.formParam("password"), RequestGuards.client(ctx));
            ctx.redirect("/login?registered", HttpStatus.SEE_OTHER);
        } catch (ValidationException e) {
            showSignup(ctx, new FormState(Map.of("email", List.of(nullToEmpty(email))), e.errors()), 422);
        }
    }

    private void startSession(Context ctx, User user) {
        // A new sign-in never reuses the session the browser came with (no session fixation).
        auth.endSession(ctx.attribute(RequestGuards.SESSION_TOKEN));
        String token = auth.startSession(user);
        cookies.set(ctx, Cookies.SESSION, token, sessionTtl.toSeconds(), "Lax");
    }

    private void showSurveys(Context ctx, FormState form, int status) {
        templates.render(
                ctx,
                status,
                "surveys.jte",
                Map.of("page", page(ctx, "Your surveys"), "surveys", surveys.list(userId(ctx)), "form", form));
    }

    private void createSurvey(Context ctx) {
        try {
            Survey survey = surveys.create(userId(ctx), ctx.formParam("title"), ctx.formParam("description"));
            ctx.redirect("/surveys/" + survey.id(), HttpStatus.SEE_OTHER);
        } catch (ValidationException e) {
            showSurveys(ctx, new FormState(ctx.formParamMap(), e.errors()), 422);
        }
    }

    private void showSurvey(Context ctx, Survey survey, FormState form, int status) {
        templates.render(
                ctx,
                status,
                "survey.jte",
                Map.of(
                        "page",
                        page(ctx, survey.title()),
                        "survey",
                        survey,
                        "form",
                        form,
                        "responseCount",
                        responses.responseCount(survey)));
    }

    private void addQuestion(Context ctx) {
        long surveyId = id(ctx);
        String optionsText = nullToEmpty(ctx.formParam("options"));
        NewQuestion question = new NewQuestion(
                ctx.formParam("text"),
                ctx.formParam("type"),
                ctx.formParam("required") != null,
                Arrays.asList(optionsText.split("\\R")));
        try {
            surveys.addQuestion(userId(ctx), surveyId, question);
            ctx.redirect("/surveys/" + surveyId, HttpStatus.SEE_OTHER);
        } catch (ValidationException e) {
            showSurvey(ctx, surveys.get(userId(ctx), surveyId), new FormState(ctx.formParamMap(), e.errors()), 422);
        }
    }

    private void showPublicSurvey(Context ctx) {
        Survey survey = surveys.findPublic(ctx.pathParam("slug"));
        String respondent = respondents.currentOrIssue(ctx);
        if (!survey.isPublished()) {
            message(ctx, 200, survey.title(), "This survey is closed and no longer accepts answers.");
        } else if (responses.hasResponded(survey, respondent)) {
            message(ctx, 200, survey.title(), ResponseService.ALREADY_ANSWERED);
        } else {
            showAnswerForm(ctx, survey, FormState.EMPTY, 200);
        }
    }

    private void showAnswerForm(Context ctx, Survey survey, FormState form, int status) {
        templates.render(
                ctx, status, "respond.jte", Map.of("page", page(ctx, survey.title()), "survey", survey, "form", form));
    }

    private void answerSurvey(Context ctx) {
        String slug = ctx.pathParam("slug");
        Survey survey = surveys.findPublic(slug);
        Map<Long, List<String>> answers = new HashMap<>();
        for (Question q : survey.questions()) {
            answers.put(q.id(), ctx.formParams("q" + q.id()));
        }
        try {
            responses.submit(slug, respondents.current(ctx), RequestGuards.client(ctx), answers);
            ctx.redirect("/s/" + slug + "/thanks", HttpStatus.SEE_OTHER);
        } catch (ValidationException e) {
            showAnswerForm(ctx, survey, new FormState(ctx.formParamMap(), e.errors()), 422);
        } catch (ConflictException e) {
            message(ctx, 409, survey.title(), e.getMessage());
        }
    }

    void message(Context ctx, int status, String heading, String text) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page(ctx, heading));
        params.put("heading", heading);
        params.put("message", text);
        templates.render(ctx, status, "message.jte", params);
    }

    static PageContext page(Context ctx, String title) {
        return new PageContext(
                title,
                RequestGuards.currentUser(ctx).map(User::email).orElse(null),
                ctx.attribute(RequestGuards.CSRF_TOKEN));
    }

    private static long userId(Context ctx) {
        return RequestGuards.requireUser(ctx).id();
    }

    static long id(Context ctx) {
        return longParam(ctx, "id");
    }

    static long longParam(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw new NotFoundException("No such page.");
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
