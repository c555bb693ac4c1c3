package io.redeploy.survey.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.redeploy.survey.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool and the schema migrations that run before the app serves anything. */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private volatile boolean migrated;

    public Database(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(10);
        config.setPoolName("survey-db");
        // Short enough that /health answers 503 within the 5 s of the image's HEALTHCHECK when the
        // database is away; start-up still waits up to 30 s for the first connection.
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(30_000);
        this.dataSource = new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Brings the schema to the latest version shipped in this build (classpath:db/migration). */
    public void migrate() {
        MigrateResult result = flyway(dataSource, null).migrate();
        migrated = true;
        log.info(
                "event=db.migrated applied={} version={}",
                result.migrationsExecuted,
                result.targetSchemaVersion == null
                        ? flyway(dataSource, null).info().current().getVersion()
                        : result.targetSchemaVersion);
    }

    public boolean migrated() {
        return migrated;
    }

    /** True when a connection can be borrowed and answers a trivial query. */
    public boolean reachable() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            log.warn("event=db.unreachable error=\"{}\"", e.getMessage());
            return false;
        }
    }

    /** Flyway configured like the app's; {@code target} null means latest. Also used by migration tests. */
    public static Flyway flyway(DataSource dataSource, String target) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j");
        if (target != null) {
            configuration.target(target);
        }
        return configuration.load();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
