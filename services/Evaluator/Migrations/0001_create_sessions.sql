-- One evaluation of a proposal against Terms of Reference (legacy evaluator_sessions).
CREATE TABLE sessions (
    id                 uuid        PRIMARY KEY,
    org_id             uuid        NOT NULL,
    user_id            text        NOT NULL,
    proposal_name      text,
    proposal_text      text        NOT NULL,
    tor_name           text,
    tor_text           text        NOT NULL,
    status             text        NOT NULL DEFAULT 'completed'
                                   CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    internal_analysis  jsonb,
    external_analysis  jsonb,
    delta_analysis     jsonb,
    alignment          jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_org_user_created_idx ON sessions (org_id, user_id, created_at DESC, id DESC);
