-- Neither the public api-key nor the secret is stored: only HMAC-SHA256 hashes with a server-side pepper.
CREATE TABLE api_keys (
    id                     uuid        PRIMARY KEY,
    org_id                 uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                   text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix                 text        NOT NULL,
    key_hash               bytea       NOT NULL,
    secret_hash            bytea       NOT NULL,
    scopes                 text[]      NOT NULL CHECK (cardinality(scopes) > 0),
    rate_limit_per_minute  integer     CHECK (rate_limit_per_minute > 0),
    created_at             timestamptz NOT NULL DEFAULT now(),
    last_used_at           timestamptz,
    revoked_at             timestamptz,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);

CREATE INDEX api_keys_org_created_idx ON api_keys (org_id, created_at, id);
