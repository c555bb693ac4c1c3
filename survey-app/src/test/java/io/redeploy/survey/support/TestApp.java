package io.redeploy.survey.support;

import io.redeploy.survey.SurveyApp;
import io.redeploy.survey.config.AppConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The real app on a free port against its own fresh database, configured through the same environment
 * parsing as production ({@link AppConfig#fromEnv}), so every setting a test passes is one an operator can set.
 */
public final class TestApp implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@example.test";
    public static final String ADMIN_PASSWORD = "correct horse battery";

    private final TestDatabase database;
    private final SurveyApp app;
    private final boolean ownsDatabase;

    private TestApp(TestDatabase database, SurveyApp app, boolean ownsDatabase) {
        this.database = database;
        this.app = app;
        this.ownsDatabase = ownsDatabase;
    }

    public static TestApp start() {
        return start(false, false);
    }

    public static TestApp start(boolean signupOpen, boolean secureCookies) {
        return start(Map.of(
                "SURVEY_SIGNUP_OPEN", String.valueOf(signupOpen), "COOKIE_SECURE", String.valueOf(secureCookies)));
    }

    /** Starts with the test defaults overridden by {@code env} (e.g. {@code BCRYPT_COST}, limits). */
    public static TestApp start(Map<String, String> env) {
        return start(env, Clock.systemUTC());
    }

    public static TestApp start(Map<String, String> env, Clock clock) {
        TestDatabase database = TestDatabase.create();
        try {
            return new TestApp(database, SurveyApp.start(config(database, env), clock), true);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Another instance on this app's database, as during a zero-downtime deploy or after a restart. Closing it
     * leaves the database alone.
     */
    public TestApp anotherInstance(Map<String, String> env) {
        return new TestApp(database, SurveyApp.start(config(database, env), Clock.systemUTC()), false);
    }

    private static AppConfig config(TestDatabase database, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", database.settings().jdbcUrl());
        env.put("DB_USER", database.settings().user());
        env.put("DB_PASSWORD", database.settings().password());
        env.put("PORT", "0");
        env.put("SURVEY_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("SURVEY_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("SURVEY_SIGNUP_OPEN", "false");
        env.put("COOKIE_SECURE", "false");
        env.put("SESSION_TTL_HOURS", "1");
        env.put("BCRYPT_COST", "4");
        env.putAll(overrides);
        return AppConfig.fromEnv(env);
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
            if (ownsDatabase) {
                database.close();
            }
        }
    }
}
