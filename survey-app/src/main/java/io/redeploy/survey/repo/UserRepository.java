package io.redeploy.survey.repo;

import io.redeploy.survey.db.Jdbc;
import io.redeploy.survey.domain.User;
import java.time.Instant;
import java.util.Optional;

/** Surveyor accounts. */
public final class UserRepository {
    private final Jdbc jdbc;

    public UserRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.queryOne(
                "SELECT id, email, password_hash FROM users WHERE lower(email) = lower(?)",
                rs -> new User(rs.getLong("id"), rs.getString("email"), rs.getString("password_hash")),
                email);
    }

    public Optional<User> findById(long id) {
        return jdbc.queryOne(
                "SELECT id, email, password_hash FROM users WHERE id = ?",
                rs -> new User(rs.getLong("id"), rs.getString("email"), rs.getString("password_hash")),
                id);
    }

    /** Inserts the account; a duplicate email raises a unique violation. */
    public User create(String email, String passwordHash) {
        long id = jdbc.insert("INSERT INTO users (email, password_hash) VALUES (?, ?)", email, passwordHash);
        return new User(id, email, passwordHash);
    }

    /**
     * Inserts the account unless the email is taken, in one statement either way ({@code ON CONFLICT DO NOTHING}):
     * no error path, so a taken email costs the same as a free one.
     */
    public Optional<User> createUnlessTaken(String email, String passwordHash) {
        return jdbc.queryOne(
                        "INSERT INTO users (email, password_hash) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id",
                        rs -> rs.getLong(1),
                        email,
                        passwordHash)
                .map(id -> new User(id, email, passwordHash));
    }

    public void recordSignIn(long userId, Instant at) {
        jdbc.update("UPDATE users SET last_sign_in_at = ? WHERE id = ?", at, userId);
    }
}
