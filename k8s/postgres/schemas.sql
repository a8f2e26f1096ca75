-- Per-database layout: one schema per owner, owned by the role of the same name, and nothing for anyone else.
-- Run as a superuser connected to the target database, after the roles exist (deploy/local/up.sh creates them).
-- Plain SQL (no psql meta-commands) so the test fixture can run it too. Safe to run repeatedly.
DO $$
DECLARE
    owner text;
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    FOREACH owner IN ARRAY ARRAY['admin', 'analyzer', 'chatbot', 'evaluator', 'gateway'] LOOP
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), owner);
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', owner, owner);
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', owner, owner);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', owner);
    END LOOP;
END
$$;
