package io.redeploy.survey.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A thin layer over JDBC: parameter binding, row mapping and transactions. Inside {@link #inTransaction}
 * every call on this instance from the same thread uses the transaction's connection, so repositories
 * stay unaware of transactions.
 */
public final class Jdbc {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return withConnection(c -> {
            try (PreparedStatement ps = prepare(c, sql, params, false);
                    ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        });
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public long queryLong(String sql, Object... params) {
        return queryOne(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    /** Runs an INSERT/UPDATE/DELETE and returns the number of rows it touched. */
    public int update(String sql, Object... params) {
        return withConnection(c -> {
            try (PreparedStatement ps = prepare(c, sql, params, false)) {
                return ps.executeUpdate();
            }
        });
    }

    /** Runs an INSERT and returns the generated {@code id}. */
    public long insert(String sql, Object... params) {
        return withConnection(c -> {
            try (PreparedStatement ps = prepare(c, sql, params, true)) {
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("INSERT returned no generated key");
                    }
                    return keys.getLong("id");
                }
            }
        });
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Supplier<T> work) {
        if (transaction.get() != null) {
            return work.get();
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            transaction.set(c);
            try {
                T result = work.get();
                c.commit();
                return result;
            } catch (RuntimeException | Error e) {
                c.rollback();
                throw e;
            } finally {
                transaction.remove();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private <T> T withConnection(Work<T> work) {
        try {
            Connection current = transaction.get();
            if (current != null) {
                return work.run(current);
            }
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object[] params, boolean returnKeys)
            throws SQLException {
        PreparedStatement ps = returnKeys ? c.prepareStatement(sql, new String[] {"id"}) : c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else {
                ps.setObject(i + 1, p);
            }
        }
        return ps;
    }

    /** Reads a nullable timestamp column as an Instant. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
