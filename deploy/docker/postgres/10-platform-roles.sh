#!/usr/bin/env bash
# First-start initialisation of the platform database (postgres image: /docker-entrypoint-initdb.d, run once, on an
# empty data directory, as the superuser over the local socket).
#  1. one login role per owner (admin, analyzer, chatbot, evaluator, gateway), password from <OWNER>_DB_PASSWORD;
#  2. deploy/sql/schemas.sql (mounted at $PLATFORM_SQL_DIR) against $POSTGRES_DB: one schema per owner, owned by its
#     role, nothing for anyone else.
# The superuser ($POSTGRES_USER) must not be named like one of the owners. Safe to run again by hand: existing roles
# get their password reset, schemas.sql is idempotent.
# A copy of this file lives in k8s/postgres/ (kustomize cannot read files outside k8s/): keep the two identical.
set -euo pipefail

sql_dir="${PLATFORM_SQL_DIR:-/platform-sql}"
database="${POSTGRES_DB:?POSTGRES_DB must name the platform database}"

: "${ADMIN_DB_PASSWORD:?set ADMIN_DB_PASSWORD}"
: "${ANALYZER_DB_PASSWORD:?set ANALYZER_DB_PASSWORD}"
: "${CHATBOT_DB_PASSWORD:?set CHATBOT_DB_PASSWORD}"
: "${EVALUATOR_DB_PASSWORD:?set EVALUATOR_DB_PASSWORD}"
: "${GATEWAY_DB_PASSWORD:?set GATEWAY_DB_PASSWORD}"

if [[ ! -f "$sql_dir/schemas.sql" ]]; then
    echo "platform init: $sql_dir/schemas.sql not found (mount deploy/sql there)" >&2
    exit 1
fi

# Passwords travel as psql variables and are quoted by format(%L): no shell or SQL injection, nothing echoed.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$database" \
    -v admin_pw="$ADMIN_DB_PASSWORD" \
    -v analyzer_pw="$ANALYZER_DB_PASSWORD" \
    -v chatbot_pw="$CHATBOT_DB_PASSWORD" \
    -v evaluator_pw="$EVALUATOR_DB_PASSWORD" \
    -v gateway_pw="$GATEWAY_DB_PASSWORD" <<'SQL'
SELECT format(
           CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name)
                THEN 'ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L'
                ELSE 'CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L'
           END,
           r.name, r.pw)
FROM (VALUES ('admin', :'admin_pw'),
             ('analyzer', :'analyzer_pw'),
             ('chatbot', :'chatbot_pw'),
             ('evaluator', :'evaluator_pw'),
             ('gateway', :'gateway_pw')) AS r(name, pw)
\gexec
SQL

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$database" -f "$sql_dir/schemas.sql"

echo "platform init: roles and schemas ready in database $database"
