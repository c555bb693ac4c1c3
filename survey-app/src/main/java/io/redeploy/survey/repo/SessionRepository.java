package io.redeploy.survey.repo;

import io.redeploy.survey.db.Jdbc;
import java.time.Instant;
import java.util.Optional;

/** Sign-in sessions, keyed by the SHA-256 of the cookie value. */
public final class SessionRepository {
    private final Jdbc jdbc;

    public SessionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void create(String tokenHash, long userId, Instant expiresAt) {
        jdbc.update(
                "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                tokenHash,
                userId,
                expiresAt);
    }

    /** The user of a session that has not expired at {@code now}. */
    public Optional<Long> findUserId(String tokenHash, Instant now) {
        return jdbc.queryOne(
                "SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?",
                rs -> rs.getLong(1),
                tokenHash,
                now);
    }

    public void delete(String tokenHash) {
        jdbc.update("DELETE FROM sessions WHERE token_hash = ?", tokenHash);
    }

    public int deleteExpired(Instant now) {
        return jdbc.update("DELETE FROM sessions WHERE expires_at <= ?", now);
    }
}
