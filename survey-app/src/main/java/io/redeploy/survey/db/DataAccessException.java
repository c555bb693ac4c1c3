package io.redeploy.survey.db;

import java.sql.SQLException;

/** An unexpected database failure; callers that expect a specific one check {@link #sqlState()}. */
public final class DataAccessException extends RuntimeException {
    /** PostgreSQL's SQLSTATE for a unique constraint violation. */
    public static final String UNIQUE_VIOLATION = "23505";

    public DataAccessException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }

    /**
     * The database is down, unreachable or restarting (no connection from the pool, SQLSTATE class 08
     * "connection exception", or 57P0x "operator intervention": shutdown, crash, starting up). An outage,
     * not a bug: it happens each time the database container is redeployed.
     */
    public boolean isUnavailable() {
        String state = sqlState();
        return getCause() instanceof java.sql.SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }

    public boolean isUniqueViolation() {
        return UNIQUE_VIOLATION.equals(sqlState());
    }
}
