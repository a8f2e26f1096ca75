CREATE TABLE users (
    id           uuid        PRIMARY KEY,
    org_id       uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    external_id  text        NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
    email        text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role         text        NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin', 'ops')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- external_id is the user_id client apps send: unique within an organisation.
    CONSTRAINT users_org_external_id_key UNIQUE (org_id, external_id)
);

CREATE INDEX users_org_created_idx ON users (org_id, created_at, id);
