-- A conversation of one user of an organisation (legacy chatbot_sessions / chatbot_messages).
CREATE TABLE sessions (
    id          uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL,
    user_id     text        NOT NULL,
    channel     text        NOT NULL DEFAULT 'api' CHECK (channel IN ('api', 'web', 'whatsapp')),
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_org_user_updated_idx ON sessions (org_id, user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
    id             uuid        PRIMARY KEY,
    session_id     uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    role           text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content        text        NOT NULL,
    refined_query  text,
    context        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX messages_session_created_idx ON messages (session_id, created_at, id);
