-- An organisation's guidelines, used by the Evaluator's internal review; from text or an uploaded file.
CREATE TABLE guidelines (
    id           uuid        PRIMARY KEY,
    org_id       uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    content      text        NOT NULL,
    source       text        NOT NULL DEFAULT 'text' CHECK (source IN ('text', 'pdf', 'docx', 'markdown')),
    file_name    text,
    file_sha256  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX guidelines_org_created_idx ON guidelines (org_id, created_at, id);
