package io.redeploy.survey.support;

import io.redeploy.survey.SurveyApp;
import io.redeploy.survey.config.AppConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The real app on a free port against its own fresh database. */
public final class TestApp implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@example.test";
    public static final String ADMIN_PASSWORD = "correct horse battery";

    private final TestDatabase database;
    private final SurveyApp app;

    private TestApp(TestDatabase database, SurveyApp app) {
        this.database = database;
        this.app = app;
    }

    public static TestApp start() {
        return start(false, false);
    }

    public static TestApp start(boolean signupOpen, boolean secureCookies) {
        TestDatabase database = TestDatabase.create();
        try {
            AppConfig config = new AppConfig(
                    0,
                    database.settings(),
                    Optional.of(new AppConfig.AdminAccount(ADMIN_EMAIL, ADMIN_PASSWORD)),
                    signupOpen,
                    secureCookies,
                    Duration.ofHours(1),
                    4);
            return new TestApp(database, SurveyApp.start(config, Clock.systemUTC()));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public TestDatabase database() {
        return database;
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            database.close();
        }
    }
}
