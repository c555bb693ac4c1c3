package io.redeploy.survey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.redeploy.survey.config.AppConfig;
import io.redeploy.survey.db.Database;
import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.repo.ResponseRepository;
import io.redeploy.survey.repo.SessionRepository;
import io.redeploy.survey.repo.SurveyRepository;
import io.redeploy.survey.repo.UserRepository;
import io.redeploy.survey.service.AuthService;
import io.redeploy.survey.service.PasswordHasher;
import io.redeploy.survey.service.ResponseService;
import io.redeploy.survey.service.ResultsService;
import io.redeploy.survey.service.SurveyService;
import io.redeploy.survey.service.Tokens;
import io.redeploy.survey.web.ApiRoutes;
import io.redeploy.survey.web.Cookies;
import io.redeploy.survey.web.ErrorHandlers;
import io.redeploy.survey.web.PageRoutes;
import io.redeploy.survey.web.RequestGuards;
import io.redeploy.survey.web.Templates;
import io.redeploy.survey.web.WebServer;
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
            Tokens tokens = new Tokens(new SecureRandom());
            AuthService auth = new AuthService(
                    new UserRepository(jdbc),
                    new SessionRepository(jdbc),
                    new PasswordHasher(config.bcryptCost()),
                    tokens,
                    clock,
                    config.sessionTtl());
            config.admin().ifPresent(admin -> auth.ensureAccount(admin.email(), admin.password()));
            auth.purgeExpiredSessions();

            SurveyService surveys = new SurveyService(new SurveyRepository(jdbc), jdbc, tokens, clock);
            ResponseRepository responseRepository = new ResponseRepository(jdbc);
            ResponseService responses = new ResponseService(surveys, responseRepository);
            ResultsService results = new ResultsService(surveys, responseRepository);

            Templates templates = new Templates();
            Cookies cookies = new Cookies(config.secureCookies());
            ObjectMapper json = new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
            Javalin server = WebServer.create(
                    new RequestGuards(auth, cookies, tokens),
                    new PageRoutes(
                            auth,
                            surveys,
                            responses,
                            results,
                            templates,
                            cookies,
                            tokens,
                            config.signupOpen(),
                            config.sessionTtl()),
                    new ApiRoutes(auth, surveys, responses, results, cookies, json, config.sessionTtl()),
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
