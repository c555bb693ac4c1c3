-- Sign-in sessions live in the database so that a redeployed container keeps its users signed in.
CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a database dump does not hand out live sessions.
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
