package io.redeploy.survey.repo;

import io.redeploy.survey.db.Jdbc;

/** Named secrets the app generated and keeps in the database, so that all its instances use the same. */
public final class SecretRepository {
    private final Jdbc jdbc;

    public SecretRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The secret called {@code name}, stored as {@code candidate} if there is none yet. When instances start at the
     * same time, the first insert wins and all of them read back that one.
     */
    public byte[] getOrCreate(String name, byte[] candidate) {
        jdbc.update(
                "INSERT INTO app_secrets (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, candidate);
        return jdbc.queryOne("SELECT secret FROM app_secrets WHERE name = ?", rs -> rs.getBytes(1), name)
                .orElseThrow(() -> new IllegalStateException("secret " + name + " vanished after insert"));
    }
}
