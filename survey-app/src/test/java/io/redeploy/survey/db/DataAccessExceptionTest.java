package io.redeploy.survey.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DataAccessExceptionTest {

    @Test
    void outagesAreToldApartFromBugsAndConflicts() {
        assertThat(new DataAccessException(new SQLTransientConnectionException("pool timeout")).isUnavailable())
                .isTrue();
        assertThat(new DataAccessException(new SQLException("io error", "08006")).isUnavailable())
                .isTrue();
        assertThat(new DataAccessException(new SQLException("admin shutdown", "57P01")).isUnavailable())
                .isTrue();
        assertThat(new DataAccessException(new SQLException("starting up", "57P03")).isUnavailable())
                .isTrue();

        DataAccessException duplicate = new DataAccessException(new SQLException("dup", "23505"));
        assertThat(duplicate.isUnavailable()).isFalse();
        assertThat(duplicate.isUniqueViolation()).isTrue();
        assertThat(new DataAccessException(new SQLException("syntax", "42601")).isUnavailable())
                .isFalse();
        assertThat(new DataAccessException(new SQLException("no state")).isUnavailable())
                .isFalse();
    }
}
