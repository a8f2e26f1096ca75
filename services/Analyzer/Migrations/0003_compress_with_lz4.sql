-- Documents, passages and analyses are compressed with lz4 instead of PostgreSQL's default pglz: pglz took about a
-- seventh of the database's CPU under make bench-jobs, lz4 compresses several times faster for a similar size. Only
-- new values are affected. A server built without lz4 keeps pglz (the notice says so) rather than failing to start.
DO $$
BEGIN
    ALTER TABLE sessions
        ALTER COLUMN document_text SET COMPRESSION lz4,
        ALTER COLUMN passages SET COMPRESSION lz4,
        ALTER COLUMN sections SET COMPRESSION lz4;
    ALTER TABLE followups ALTER COLUMN answer SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 compression is not available on this server: pglz kept (%)', SQLERRM;
END
$$;
