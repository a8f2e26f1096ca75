-- Job inputs, results and message payloads are compressed with lz4 instead of PostgreSQL's default pglz (several times
-- less CPU for a similar size; make bench-jobs). Only new values are affected. A server built without lz4 keeps pglz
-- (the notice says so) rather than failing to start.
DO $$
BEGIN
    ALTER TABLE jobs
        ALTER COLUMN input SET COMPRESSION lz4,
        ALTER COLUMN result SET COMPRESSION lz4,
        ALTER COLUMN command SET COMPRESSION lz4;
    ALTER TABLE outbox ALTER COLUMN payload SET COMPRESSION lz4;
    ALTER TABLE webhook_deliveries ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 compression is not available on this server: pglz kept (%)', SQLERRM;
END
$$;
