-- Secrets the app generates once and every instance shares, e.g. the key that signs respondent tokens: two
-- instances run side by side during a deploy and must accept each other's tokens, also after a restart.
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    secret     BYTEA       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
