-- Where each proposal passage is (page, paragraph), for the alignment table and follow-up citations.
ALTER TABLE sessions ADD COLUMN proposal_passages jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE sessions ADD COLUMN language text;
ALTER TABLE sessions ADD COLUMN provider text;
ALTER TABLE sessions ADD COLUMN error text;
ALTER TABLE sessions ADD COLUMN token_usage jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE TABLE followups (
    id          uuid        PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    question    text        NOT NULL,
    answer      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX followups_session_created_idx ON followups (session_id, created_at, id);

CREATE TABLE feedback (
    id          uuid        PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rating      integer     NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     text,
    part        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feedback_session_idx ON feedback (session_id);

-- Model token usage per organisation and session (budgets and billing read this).
CREATE TABLE token_usage (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id         uuid        NOT NULL,
    session_id     uuid,
    prompt_key     text        NOT NULL,
    provider       text        NOT NULL,
    model          text        NOT NULL,
    input_tokens   integer     NOT NULL,
    output_tokens  integer     NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX token_usage_org_created_idx ON token_usage (org_id, created_at);
