-- One analysis of one document for one user of an organisation (legacy analyzer_sessions).
CREATE TABLE sessions (
    id             uuid        PRIMARY KEY,
    org_id         uuid        NOT NULL,
    user_id        text        NOT NULL,
    document_name  text,
    document_text  text        NOT NULL,
    status         text        NOT NULL DEFAULT 'completed'
                               CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    sections       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    token_usage    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Listing a user's sessions newest first with keyset pagination.
CREATE INDEX sessions_org_user_created_idx ON sessions (org_id, user_id, created_at DESC, id DESC);
