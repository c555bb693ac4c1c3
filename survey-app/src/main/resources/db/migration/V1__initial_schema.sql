-- Surveyors, their surveys with questions and options, and the respondents' answers.
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT        NOT NULL,
    password_hash TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Emails are compared case-insensitively: one account per mailbox.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE surveys (
    id           BIGSERIAL PRIMARY KEY,
    owner_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug         TEXT        NOT NULL UNIQUE,
    title        TEXT        NOT NULL,
    description  TEXT        NOT NULL DEFAULT '',
    status       TEXT        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX surveys_owner_idx ON surveys (owner_id);

CREATE TABLE questions (
    id        BIGSERIAL PRIMARY KEY,
    survey_id BIGINT  NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INT     NOT NULL,
    text      TEXT    NOT NULL,
    type      TEXT    NOT NULL CHECK (type IN ('text', 'single_choice', 'multiple_choice', 'rating')),
    required  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX questions_survey_idx ON questions (survey_id, position);

CREATE TABLE question_options (
    id          BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    position    INT    NOT NULL,
    label       TEXT   NOT NULL
);
CREATE INDEX question_options_question_idx ON question_options (question_id, position);

CREATE TABLE responses (
    id              BIGSERIAL PRIMARY KEY,
    survey_id       BIGINT      NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    -- SHA-256 of the respondent's cookie: one response per respondent and survey.
    respondent_hash TEXT        NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (survey_id, respondent_hash)
);

CREATE TABLE answers (
    id          BIGSERIAL PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    option_id   BIGINT REFERENCES question_options (id) ON DELETE CASCADE,
    text_value  TEXT,
    rating      SMALLINT CHECK (rating BETWEEN 1 AND 5)
);
CREATE INDEX answers_question_idx ON answers (question_id);
CREATE INDEX answers_response_idx ON answers (response_id);
