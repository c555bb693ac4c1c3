package io.redeploy.survey.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.redeploy.survey.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty database on the real local PostgreSQL ({@code survey}/{@code survey}, a superuser), dropped
 * on close. Override the server with {@code SURVEY_TEST_PG_HOST} / {@code SURVEY_TEST_PG_PORT}. There is no
 * fallback: when PostgreSQL is not there the tests fail.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String USER = "survey";
    private static final String PASSWORD = "survey";

    private final String name;
    private final String serverUrl;
    private HikariDataSource dataSource;

    private TestDatabase(String name, String serverUrl) {
        this.name = name;
        this.serverUrl = serverUrl;
    }

    public static TestDatabase create() {
        String host = System.getenv().getOrDefault("SURVEY_TEST_PG_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("SURVEY_TEST_PG_PORT", "5432");
        String name = "survey_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        TestDatabase db = new TestDatabase(name, "jdbc:postgresql://" + host + ":" + port + "/");
        db.admin("CREATE DATABASE " + name);
        return db;
    }

    public String name() {
        return name;
    }

    public DatabaseSettings settings() {
        return new DatabaseSettings(serverUrl + name, USER, PASSWORD);
    }

    /** A small pool on this database, closed with it. */
    public synchronized HikariDataSource dataSource() {
        if (dataSource == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(serverUrl + name);
            config.setUsername(USER);
            config.setPassword(PASSWORD);
            config.setMaximumPoolSize(3);
            dataSource = new HikariDataSource(config);
        }
        return dataSource;
    }

    /** Drops the database under the feet of whoever uses it (terminating their connections). */
    public void dropNow() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    @Override
    public void close() {
        if (dataSource != null) {
            dataSource.close();
        }
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl + "postgres", USER, PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + serverUrl + " is required for this test: " + e.getMessage(), e);
        }
    }
}
