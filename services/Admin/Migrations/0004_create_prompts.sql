-- A prompt is identified by its key and organisation (none = the global default); every change adds a version,
-- and one version is active. revision increases on every change, for optimistic concurrency (ETag).
CREATE TABLE prompts (
    id              uuid        PRIMARY KEY,
    key             text        NOT NULL CHECK (key ~ '^[a-z]+(\.[a-z0-9_]+)+$'),
    org_id          uuid        REFERENCES organizations (id) ON DELETE CASCADE,
    description     text        NOT NULL DEFAULT '',
    active_version  integer     NOT NULL,
    latest_version  integer     NOT NULL,
    revision        integer     NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (active_version BETWEEN 1 AND latest_version)
);

CREATE UNIQUE INDEX prompts_global_key_idx ON prompts (key) WHERE org_id IS NULL;
CREATE UNIQUE INDEX prompts_org_key_idx ON prompts (org_id, key) WHERE org_id IS NOT NULL;

CREATE TABLE prompt_versions (
    prompt_id    uuid        NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version      integer     NOT NULL CHECK (version > 0),
    template     text        NOT NULL,
    temperature  real        CHECK (temperature BETWEEN 0 AND 2),
    max_tokens   integer     CHECK (max_tokens > 0),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (prompt_id, version)
);
