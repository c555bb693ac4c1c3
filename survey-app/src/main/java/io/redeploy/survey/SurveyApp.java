package io.redeploy.survey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.redeploy.survey.config.AppConfig;
import io.redeploy.survey.db.Database;
import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.repo.ResponseRepository;
import io.redeploy.survey.repo.SecretRepository;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.SurveyRepository;
import io.redeploy.survey.repo.UserRepository;
import io.redeploy.survey.service.AuthService;
import io.redeploy.survey.service.PasswordHasher;
import io.redeploy.survey.service.PasswordPolicy;
import io.redeploy.survey.service.RespondentTokens;
import io.redeploy.survey.service.ResponseService;
import io.redeploy.survey.service.ResultsService;
import io.redeploy.survey.service.SignInThrottle;
import io.redeploy.survey.service.SubmissionLimits;
import io.redeploy.survey.service.SurveyService;
import io.redeploy.survey.service.Tokens;
import io.redeploy.survey.web.ApiRoutes;
import io.redeploy.survey.web.ClientAddresses;
import io.redeploy.survey.web.Cookies;
import io.redeploy.survey.web.ErrorHandlers;
import io.redeploy.survey.web.PageRoutes;
import io.redeploy.survey.web.RequestGuards;
import io.redeploy.survey.web.RespondentCookie;
import io.redeploy.survey.web.Templates;
import io.redeploy.survey.web.WebServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole application wired together: migrate, bootstrap the first surveyor, serve HTTP. */
public final class SurveyApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SurveyApp.class);

    private final Database database;
    private final Javalin server;

    private SurveyApp(Database database, Javalin server) {
        this.database = database;
        this.server = server;
    }

    /** Starts the app; the schema is migrated before the port opens, so /health is green only after that. */
    public static SurveyApp start(AppConfig config, Clock clock) {
        Database database = new Database(config.database());
        try {
            database.migrate();
            Jdbc jdbc = new Jdbc(database.dataSource());
            SecureRandom random = new SecureRandom();
            Tokens tokens = new Tokens(random);
            var security = config.security();
            AuthService auth = new AuthService(
                    new UserRepository(jdbc),
                    new SessionRepository(jdbc),
                    new PasswordHasher(config.bcryptCost(), security.passwordHashingSlots()),
                    PasswordPolicy.standard(),
                    new SignInThrottle(security.signUpsPerHourPerAddress(), clock),
                    tokens,
                    clock,
                    config.sessionTtl());
            config.admin().ifPresent(admin -> auth.ensureAccount(admin.email(), admin.password()));
            auth.purgeExpiredSessions();

            SurveyService surveys = new SurveyService(new SurveyRepository(jdbc), jdbc, tokens, clock);
            ResponseRepository responseRepository = new ResponseRepository(jdbc);
            ResponseService responses = new ResponseService(
                    surveys,
                    responseRepository,
                    new RespondentTokens(respondentTokenKey(config, jdbc, random), random),
                    new SubmissionLimits(
                            security.responsesPerHourPerAddress(), security.responsesPerMinutePerSurvey(), clock));
            ResultsService results = new ResultsService(surveys, responseRepository);

            Templates templates = new Templates();
            Cookies cookies = new Cookies(config.secureCookies());
            ObjectMapper json = new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
            RespondentCookie respondentCookie = new RespondentCookie(responses, cookies);
            Javalin server = WebServer.create(
                    new RequestGuards(auth, cookies, tokens, new ClientAddresses(security.trustedProxies())),
                    new PageRoutes(
                            auth,
                            surveys,
                            responses,
                            results,
                            templates,
                            cookies,
                            respondentCookie,
                            config.signupOpen(),
                            config.sessionTtl()),
                    new ApiRoutes(
                            auth, surveys, responses, results, cookies, respondentCookie, json, config.sessionTtl()),
                    new ErrorHandlers(templates),
                    database,
                    json);
            server.start(config.port());
            log.info(
                    "event=app.started port={} signup_open={} secure_cookies={}",
                    server.port(),
                    config.signupOpen(),
                    config.secureCookies());
            return new SurveyApp(database, server);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * The key that signs respondent tokens: {@code SURVEY_TOKEN_KEY} if set, else one generated by the first
     * instance and kept in the database, so that every instance and every restart accepts the same tokens.
     */
    private static byte[] respondentTokenKey(AppConfig config, Jdbc jdbc, SecureRandom random) {
        if (config.security().tokenKey().isPresent()) {
            log.info("event=token_key.loaded source=env");
            return config.security().tokenKey().get().getBytes(StandardCharsets.UTF_8);
        }
        byte[] candidate = new byte[32];
        random.nextBytes(candidate);
        byte[] key = new SecretRepository(jdbc).getOrCreate("respondent-token-key", candidate);
        log.info("event=token_key.loaded source=database");
        return key;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
        database.close();
        log.info("event=app.stopped");
    }
}
