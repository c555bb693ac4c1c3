package io.redeploy.agent.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts rows into a PostgreSQL table one transaction at a time, on its own thread, for as long as it runs, and
 * remembers exactly the rows whose COMMIT the server acknowledged. While the database is being redeployed the
 * inserts fail (connection refused, reset): each failure is counted, the connection is dropped and opened again.
 * A commit whose answer was lost with the connection may or may not have happened: such rows are "in doubt", at
 * most one per failed attempt, and are allowed to be present without being acknowledged.
 */
final class CommittedRowWriter implements AutoCloseable {
    static final String TABLE = "durability_rows";
    private static final Duration PAUSE = Duration.ofMillis(10);
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

    private final String url;
    private final Properties credentials;
    private final Map<Long, String> committed = new ConcurrentHashMap<>();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicLong longestGapMillis = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    CommittedRowWriter(int port, String database, String user, String password) {
        // Short timeouts: an insert into a database that is going away fails in seconds, not minutes.
        this.url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?connectTimeout=2&socketTimeout=10&loginTimeout=5";
        this.credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    /** Creates the table and commits {@code rows} rows in one transaction; they count as committed once it returns. */
    void seed(int rows) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, payload text NOT NULL)");
            c.setAutoCommit(false);
            try (ResultSet r =
                    s.executeQuery("INSERT INTO " + TABLE + " (payload) SELECT 'seed-' || g || '-' || md5(g::text)"
                            + " FROM generate_series(1, " + rows + ") g RETURNING id, payload")) {
                Map<Long, String> inserted = new java.util.HashMap<>();
                while (r.next()) inserted.put(r.getLong(1), r.getString(2));
                c.commit();
                committed.putAll(inserted);
            }
        }
    }

    void start() {
        running = true;
        thread = new Thread(this::writeUntilStopped, "committed-row-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void writeUntilStopped() {
        Connection connection = null;
        long lastCommit = System.nanoTime();
        while (running) {
            try {
                if (connection == null) {
                    connection = connect();
                    connection.setAutoCommit(false);
                }
                String payload = "live-" + UUID.randomUUID();
                long id;
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO " + TABLE + " (payload) VALUES (?) RETURNING id")) {
                    insert.setString(1, payload);
                    try (ResultSet r = insert.executeQuery()) {
                        r.next();
                        id = r.getLong(1);
                    }
                }
                connection.commit();
                // Only now, with the COMMIT acknowledged, is the row the database's promise.
                committed.put(id, payload);
                long now = System.nanoTime();
                longestGapMillis.accumulateAndGet((now - lastCommit) / 1_000_000, Math::max);
                lastCommit = now;
                sleep(PAUSE);
            } catch (SQLException e) {
                failedAttempts.incrementAndGet();
                closeQuietly(connection);
                connection = null;
                sleep(RECONNECT_PAUSE);
            }
        }
        closeQuietly(connection);
    }

    /** The rows whose commit was acknowledged, id to payload. */
    Map<Long, String> committed() {
        return Map.copyOf(committed);
    }

    int failedAttempts() {
        return failedAttempts.get();
    }

    /** The longest time between two acknowledged commits: how long the database was unavailable to a client. */
    long longestGapMillis() {
        return longestGapMillis.get();
    }

    /** Stops writing; returns once the writer's last transaction is over. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) thread.join(Duration.ofSeconds(30).toMillis());
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is gone already
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
