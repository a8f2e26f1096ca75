-- An organisation's knowledge base: uploaded documents, their chunks (the unit that is embedded, searched and
-- cited), and feedback on answers.
CREATE TABLE documents (
    id            uuid        PRIMARY KEY,
    org_id        uuid        NOT NULL,
    title         text        NOT NULL,
    file_name     text        NOT NULL,
    content_type  text        NOT NULL,
    size_bytes    bigint      NOT NULL CHECK (size_bytes >= 0),
    status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
    error         text,
    chunk_count   integer     NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Listing newest first (keyset pagination) and the per-organisation "what is ready" summary the search cache checks.
CREATE INDEX documents_org_created_idx ON documents (org_id, created_at DESC, id DESC);

-- Chunk n of a document: its vector id is '{document_id}#{n}'. page is null for kinds without fixed pages.
CREATE TABLE chunks (
    id           uuid     PRIMARY KEY,
    document_id  uuid     NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    org_id       uuid     NOT NULL,
    n            integer  NOT NULL CHECK (n >= 0),
    text         text     NOT NULL,
    page         integer,
    paragraph    integer,
    token_count  integer  NOT NULL CHECK (token_count >= 0),
    UNIQUE (document_id, n)
);

CREATE INDEX chunks_org_idx ON chunks (org_id, document_id, n);

-- A rating of one message (the legacy chatbot_feedback maps onto it).
CREATE TABLE feedback (
    id          uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL,
    message_id  uuid        NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    rating      integer     NOT NULL,
    comment     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feedback_message_idx ON feedback (message_id);
CREATE INDEX feedback_org_created_idx ON feedback (org_id, created_at);
