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

    /** The pool could not hand out a connection: the database is down or unreachable, not a bug. */
    public boolean isUnavailable() {
        return getCause() instanceof java.sql.SQLTransientConnectionException
                || (sqlState() != null && sqlState().startsWith("08"));
    }

    public boolean isUniqueViolation() {
        return UNIQUE_VIOLATION.equals(sqlState());
    }
}
