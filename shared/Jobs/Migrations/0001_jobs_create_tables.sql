-- Async jobs (shared/Jobs), in the schema of the service that owns them (Analyzer, Evaluator). IF NOT EXISTS keeps
-- the script harmless where an owner already has these tables from an earlier copy of it.

-- One accepted job. The command message that runs it is kept with it, so a job whose worker died can be sent again.
CREATE TABLE IF NOT EXISTS jobs (
    id              uuid        PRIMARY KEY,
    org_id          uuid        NOT NULL,
    kind            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'queued'
                                CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress_done   integer     NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
    progress_total  integer     NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
    input           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    result          jsonb,
    error           text,
    callback_url    text,
    command_type    text        NOT NULL,
    command         jsonb       NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    worker          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- An organisation's jobs, newest first (listing, keyset pagination).
CREATE INDEX IF NOT EXISTS jobs_org_created_idx ON jobs (org_id, created_at DESC, id DESC);
-- The reaper: running jobs by lease expiry, and queued jobs by age (a command that never arrived).
CREATE INDEX IF NOT EXISTS jobs_running_lease_idx ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS jobs_queued_updated_idx ON jobs (updated_at) WHERE status = 'queued';

-- Transactional outbox: messages committed with the state change they announce, relayed to RabbitMQ in id order.
CREATE TABLE IF NOT EXISTS outbox (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    uuid        NOT NULL,
    message_type  text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('command', 'event')),
    destination   text,
    payload       jsonb       NOT NULL,
    job_id        uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text
);

-- The relay's queue: unsent rows in order.
CREATE INDEX IF NOT EXISTS outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
-- Retention: sent rows by age.
CREATE INDEX IF NOT EXISTS outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;
-- What was sent for a job (support, tests).
CREATE INDEX IF NOT EXISTS outbox_job_idx ON outbox (job_id) WHERE job_id IS NOT NULL;

-- Signed POSTs of a finished job to the client's callback_url, retried with backoff.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    url              text        NOT NULL,
    payload          jsonb       NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    failed_at        timestamptz,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- The sender's queue: pending deliveries by due time.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_job_idx ON webhook_deliveries (job_id);
