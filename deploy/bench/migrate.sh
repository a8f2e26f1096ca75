#!/usr/bin/env bash
# `make bench-migrate`: the data migration (services/Migrator) against pgloader and a raw binary COPY (issue 8).
#
# Generates a legacy MariaDB database (tests/Fixtures/legacy/schema.sql) with N chatbot_messages (100-800 characters
# of multilingual text, a ~350-byte JSON context) and proportional other tables, then times, one after the other:
#   (a) migrator  `Migrator.dll migrate` into a fresh PostgreSQL database: owners' schemas, every mapped table,
#                 indexes and foreign keys restored, then the full validation (counts, checksums, samples, FKs)
#   (b) pgloader  the same legacy tables into a staging schema of another fresh database (Debian's pgloader, with
#                 "prefetch rows = 10000" so it does not run out of heap; DATETIME defaults dropped, as pgloader
#                 cannot read MariaDB's current_timestamp(3))
#   (c) raw COPY  chatbot_messages alone, streamed by MySqlConnector into Npgsql binary COPY with no mapping
#                 (tests/Benchmarks/RawCopy), the floor for (a)'s chatbot_messages
# and prints wall time, rows/s and peak memory (maximum RSS from /usr/bin/time) for each, and the ratios against the
# targets: migrator >= 5x pgloader's rows/s; migrator's chatbot_messages within 1.3x of the raw COPY's time;
# migrator's peak memory under 200 MB. A missed target is a finding, not a failure.
#
# Environment (defaults): QUICK=1 (N=100000)  N (1000000)  NO_INFRA=1 (skip deploy/local/up.sh)  NO_BUILD=1
#   CONFIGURATION (Release)  LOCAL_DIR (<repo>/.local)  KEEP=1 (keep the bench databases)
# Output: the table on stdout and in .local/bench/migrate-summary-<time>.txt; logs in .local/bench/logs/.
set -euo pipefail
# (the whole script is one block, read before it runs: editing the file during a run cannot break the run)
# shellcheck disable=SC2317 # cleanup is called from the trap
{
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
CONFIGURATION="${CONFIGURATION:-Release}"
if [[ -n ${QUICK:-} ]]; then N="${N:-100000}"; else N="${N:-1000000}"; fi
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive number" >&2; exit 2; }
BENCH_DIR=$LOCAL_DIR/bench
LOGS=$BENCH_DIR/logs
mkdir -p "$LOGS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
log() { printf '[bench-migrate] %s\n' "$*" >&2; }

[[ -n ${NO_INFRA:-} ]] || "$ROOT/deploy/local/up.sh"
if ! command -v pgloader >/dev/null; then
    log "installing pgloader"
    DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends pgloader >"$LOGS/apt-pgloader.log" 2>&1
fi
if [[ -z ${NO_BUILD:-} ]]; then
    dotnet build "$ROOT/services/Migrator/Migrator.csproj" -c "$CONFIGURATION" --nologo -v q >/dev/null
    dotnet build "$ROOT/tests/Benchmarks/RawCopy/RawCopy.csproj" -c "$CONFIGURATION" --nologo -v q >/dev/null
fi
MIGRATOR=$ROOT/services/Migrator/bin/$CONFIGURATION/net10.0/Migrator.dll
RAWCOPY=$ROOT/tests/Benchmarks/RawCopy/bin/$CONFIGURATION/net10.0/RawCopy.dll

secret() { sed -n "s/^$1=//p" "$LOCAL_DIR/secrets.env" | tail -n 1; }
MY_USER=$(secret MARIADB_USER)
MY_PASS=$(secret MARIADB_PASSWORD)
PG_PASS=$(secret PG_SUPERUSER_PASSWORD)
export ApiKeys__Pepper
ApiKeys__Pepper=$(secret ApiKeys__Pepper)
MY_PORT=${MARIADB_PORT:-53306}
PG_PORT=${PG_PORT:-55432}
SRC_DB=bench_legacy
PG_DB=bench_migrator
PGL_DB=bench_pgloader
RAW_DB=bench_rawcopy
my() { MYSQL_PWD=$MY_PASS mariadb --no-defaults -h 127.0.0.1 -P "$MY_PORT" -u "$MY_USER" "$@"; }
pg() { PGPASSWORD=$PG_PASS psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
fresh_pg() {
    pg -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1 ENCODING 'UTF8'" 2>/dev/null
    pg -d "$1" -f "$ROOT/deploy/sql/schemas.sql" >/dev/null
}
cleanup() {
    if [[ -z ${KEEP:-} ]]; then
        pg -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $PGL_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $RAW_DB WITH (FORCE)" 2>/dev/null || true
        my -e "DROP DATABASE IF EXISTS $SRC_DB" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------------------
SESSIONS=$((N / 20)); ORGS=$((N / 10000 + 2)); ANALYZER=$((N / 100 + 1)); EVALUATOR=$((N / 200 + 1))
log "generating the legacy database: $N chatbot_messages, $SESSIONS chatbot_sessions, $ANALYZER analyzer and $EVALUATOR evaluator sessions"
gen_start=$(date +%s)
my -e "DROP DATABASE IF EXISTS $SRC_DB; CREATE DATABASE $SRC_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
my "$SRC_DB" <"$ROOT/tests/Fixtures/legacy/schema.sql"
my "$SRC_DB" <<SQL
SET SESSION sql_mode = '';
SET @text = REPEAT('The proposal strengthens rural water access. La propuesta mejora el acceso al agua. Le projet renforce la gouvernance locale. 提案加强了农村供水。 المشروع يعزز الحوكمة المحلية. Проект укрепляет местное самоуправление. 🌍💧 ', 8);
INSERT INTO organizations (id, name, slug, settings) SELECT seq, CONCAT('Org ', seq), CONCAT('org-', seq), '{"requests_per_minute": 600}' FROM seq_1_to_$ORGS;
INSERT INTO users (organization_id, external_user_id, email, full_name, role) SELECT 1 + seq % $ORGS, CONCAT('user-', seq), CONCAT('user', seq, '@example.org'), CONCAT('Usuário ', seq), ELT(1 + seq % 3, 'member', 'admin', 'ops') FROM seq_1_to_$((ORGS * 20));
INSERT INTO api_keys (organization_id, name, api_key, api_secret, scopes, is_active) SELECT 1 + seq % $ORGS, CONCAT('key ', seq), CONCAT('pk_bench_', seq), CONCAT('sk_bench_', MD5(seq)), 'analyzer,chatbot,evaluator', seq % 10 <> 0 FROM seq_1_to_$((ORGS * 2));
INSERT INTO prompts (prompt_key, version, organization_id, template, is_active) SELECT ELT(1 + seq % 3, 'analyzer.p1', 'chatbot.answer', 'evaluator.delta'), 1 + seq DIV 3, NULL, CONCAT('template ', seq, ' {document}'), 0 FROM seq_0_to_8;
UPDATE prompts SET is_active = 1 WHERE version = 3;
INSERT INTO guidelines (organization_id, title, content) SELECT 1 + seq % $ORGS, CONCAT('Guideline ', seq), SUBSTRING(@text, 1, 600) FROM seq_1_to_$((ORGS * 3));
INSERT INTO chatbot_sessions (id, organization_id, user_id, channel, title) SELECT seq, 1 + seq % $ORGS, CONCAT('user-', seq % 5000), ELT(1 + seq % 3, 'api', 'web', 'whatsapp'), CONCAT('Conversation ', seq) FROM seq_1_to_$SESSIONS;
INSERT INTO chatbot_messages (id, session_id, role, content, refined_query, context_data, created_at)
SELECT seq, 1 + seq % $SESSIONS, IF(seq % 2, 'user', 'assistant'),
       SUBSTRING(@text, 1 + (seq * 7) % 300, 100 + (seq * 13) % 701),
       IF(seq % 2, CONCAT('refined query ', seq), NULL),
       CONCAT('{"sources": [{"document_id": "', MD5(seq), '", "chunk": ', seq % 50, ', "score": 0.', LPAD(seq % 1000, 3, '0'), ', "page": ', seq % 30, '}, {"document_id": "', MD5(seq + 1), '", "chunk": ', seq % 40, ', "score": 0.', LPAD(seq % 997, 3, '0'), ', "page": ', seq % 20, '}], "model": "gpt-4o-mini", "language": "es", "latency_ms": ', seq % 5000, ', "tokens": {"input": ', seq % 3000, ', "output": ', seq % 800, '}}'),
       TIMESTAMP('2024-01-01') + INTERVAL seq SECOND
FROM seq_1_to_$N;
INSERT INTO analyzer_sessions (id, organization_id, user_id, document_name, document_text, sections, status) SELECT UUID(), 1 + seq % $ORGS, CONCAT('user-', seq % 5000), CONCAT('doc-', seq, '.pdf'), SUBSTRING(@text, 1, 1500), '[{"title": "Summary", "text": "Resumen del documento"}]', 'completed' FROM seq_1_to_$ANALYZER;
INSERT INTO analyzer_followups (session_id, question, answer) SELECT id, '¿Cuál es el presupuesto?', SUBSTRING(@text, 1, 300) FROM analyzer_sessions;
INSERT INTO analyzer_feedback (session_id, rating, comment) SELECT id, 4, 'útil' FROM analyzer_sessions;
INSERT INTO evaluator_sessions (organization_id, user_id, proposal_text, tor_text, internal_analysis, external_analysis, delta_analysis) SELECT 1 + seq % $ORGS, CONCAT('user-', seq % 5000), SUBSTRING(@text, 1, 1500), SUBSTRING(@text, 200, 800), '{"score": 7}', '{"score": 6}', '{"gaps": ["budget"]}' FROM seq_1_to_$EVALUATOR;
INSERT INTO evaluator_followups (session_id, question, answer) SELECT id, 'Why?', 'Because.' FROM evaluator_sessions;
INSERT INTO evaluator_feedback (session_id, rating, comment, part) SELECT id, 5, NULL, 'delta' FROM evaluator_sessions;
INSERT INTO chatbot_feedback (organization_id, message_id, rating, comment) SELECT 1 + seq % $ORGS, seq * 20, 1 + seq % 5, NULL FROM seq_1_to_$((N / 100 + 1));
SQL
TOTAL_ROWS=$(my -N "$SRC_DB" -e "SELECT (SELECT COUNT(*) FROM organizations)+(SELECT COUNT(*) FROM users)+(SELECT COUNT(*) FROM api_keys)+(SELECT COUNT(*) FROM prompts)+(SELECT COUNT(*) FROM guidelines)+(SELECT COUNT(*) FROM chatbot_sessions)+(SELECT COUNT(*) FROM chatbot_messages)+(SELECT COUNT(*) FROM chatbot_feedback)+(SELECT COUNT(*) FROM analyzer_sessions)+(SELECT COUNT(*) FROM analyzer_followups)+(SELECT COUNT(*) FROM analyzer_feedback)+(SELECT COUNT(*) FROM evaluator_sessions)+(SELECT COUNT(*) FROM evaluator_followups)+(SELECT COUNT(*) FROM evaluator_feedback)")
log "generated $TOTAL_ROWS legacy rows in $(($(date +%s) - gen_start))s"

# "seconds max_rss_kb" of a command run under /usr/bin/time, its output in $2
timed() {
    local name=$1 out=$2
    shift 2
    /usr/bin/time -f 'TIME %e %M' -o "$LOGS/$name.time" "$@" >"$out" 2>&1 || echo "exit $?" >>"$out"
    awk '/^TIME/ {print $2, $3}' "$LOGS/$name.time"
}

SRC="Server=127.0.0.1;Port=$MY_PORT;User ID=$MY_USER;Password=$MY_PASS;Database=$SRC_DB"

# (a) the migrator, with validation
fresh_pg "$PG_DB"
log "(a) migrator: migrate + validate"
read -r a_wall a_rss < <(timed migrator "$LOGS/migrator-$STAMP.log" dotnet "$MIGRATOR" migrate --source "$SRC" \
    --target "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASS;Database=$PG_DB" --quiet --report "$BENCH_DIR/migrate-report-$STAMP.json")
grep -q 'VALIDATION OK' "$LOGS/migrator-$STAMP.log" && a_valid=ok || a_valid=FAILED
a_copy=$(sed -n 's/^MIGRATE rows=\([0-9]*\) seconds=\([0-9.]*\)\( .*\)\{0,1\}$/\2/p' "$LOGS/migrator-$STAMP.log")
a_rows=$(sed -n 's/^MIGRATE rows=\([0-9]*\) seconds=.*$/\1/p' "$LOGS/migrator-$STAMP.log")
a_msg=$(awk -F'│' '$2 ~ /^ chatbot_messages / && $3 ~ /chatbot.messages/ {gsub(/[ s]/, "", $(NF - 2)); print $(NF - 2); exit}' "$LOGS/migrator-$STAMP.log")

# (b) pgloader into a staging schema
fresh_pg "$PGL_DB"
cat >"$BENCH_DIR/pgloader-$STAMP.load" <<PGLOADER
LOAD DATABASE
     FROM mysql://$MY_USER:$MY_PASS@127.0.0.1:$MY_PORT/$SRC_DB
     INTO postgresql://postgres:$PG_PASS@127.0.0.1:$PG_PORT/$PGL_DB
WITH include drop, create tables, create indexes, foreign keys, reset sequences, prefetch rows = 10000
CAST type datetime to timestamptz drop default drop not null using zero-dates-to-null
ALTER SCHEMA '$SRC_DB' RENAME TO 'staging';
PGLOADER
chmod 600 "$BENCH_DIR/pgloader-$STAMP.load"
log "(b) pgloader"
read -r b_wall b_rss < <(timed pgloader "$LOGS/pgloader-$STAMP.log" pgloader --dynamic-space-size 4096 "$BENCH_DIR/pgloader-$STAMP.load")
rm -f "$BENCH_DIR/pgloader-$STAMP.load"
b_rows=$(pg -d "$PGL_DB" -At -c "SELECT (SELECT count(*) FROM staging.chatbot_messages) + (SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE schemaname = 'staging' AND relname <> 'chatbot_messages')" 2>/dev/null || echo 0)
b_msg=$(awk '$1 ~ /chatbot_messages$/ {print $(NF)}' "$LOGS/pgloader-$STAMP.log" | tail -n 1)

# (c) raw binary COPY of chatbot_messages
fresh_pg "$RAW_DB"
log "(c) raw binary COPY of chatbot_messages"
read -r c_wall c_rss < <(timed rawcopy "$LOGS/rawcopy-$STAMP.log" dotnet "$RAWCOPY" "$SRC" "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASS;Database=$RAW_DB")
c_copy=$(sed -n 's/^RAW rows=[0-9]* seconds=\([0-9.]*\) .*$/\1/p' "$LOGS/rawcopy-$STAMP.log")
# the whole machine's busy CPU time during that COPY, and its cores: the least wall time any schedule could take
c_cpu=$(sed -n 's/^RAW .* cpu=\([0-9.]*\) cores=[0-9]*$/\1/p' "$LOGS/rawcopy-$STAMP.log")
c_cores=$(sed -n 's/^RAW .* cores=\([0-9]*\)$/\1/p' "$LOGS/rawcopy-$STAMP.log")
# (d) the same, into a jsonb column like the target's: what the column type costs PostgreSQL, mapping aside
log "(d) raw binary COPY of chatbot_messages, context_data into jsonb"
read -r _ d_rss < <(timed rawcopy-jsonb "$LOGS/rawcopy-jsonb-$STAMP.log" dotnet "$RAWCOPY" "$SRC" "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASS;Database=$RAW_DB" --jsonb)
d_copy=$(sed -n 's/^RAW rows=[0-9]* seconds=\([0-9.]*\) .*$/\1/p' "$LOGS/rawcopy-jsonb-$STAMP.log")
d_cpu=$(sed -n 's/^RAW .* cpu=\([0-9.]*\) cores=[0-9]*$/\1/p' "$LOGS/rawcopy-jsonb-$STAMP.log")

SUMMARY=$BENCH_DIR/migrate-summary-$STAMP.txt
python3 - "$N" "$TOTAL_ROWS" "$a_wall" "$a_rss" "$a_copy" "$a_rows" "${a_msg:-}" "$a_valid" "$b_wall" "$b_rss" "${b_rows:-0}" "${b_msg:-}" "$c_wall" "$c_rss" "${c_copy:-0}" "${d_copy:-0}" "${d_rss:-0}" "${c_cpu:-0}" "${c_cores:-0}" "${d_cpu:-0}" <<'PY' | tee "$SUMMARY"
import sys
n, total, a_wall, a_rss, a_copy, a_rows, a_msg, a_valid, b_wall, b_rss, b_rows, b_msg, c_wall, c_rss, c_copy, d_copy, d_rss, c_cpu, c_cores, d_cpu = sys.argv[1:]
c_cpu, c_cores, d_cpu = float(c_cpu or 0), int(c_cores or 0), float(d_cpu or 0)
d_copy = float(d_copy or 0)
n, total = int(n), int(total)
a_wall, a_copy, b_wall, c_wall, c_copy = map(float, (a_wall, a_copy or 0, b_wall, c_wall, c_copy or 0))
mb = lambda kb: int(kb) / 1024
a_rate = int(a_rows or 0) / a_copy if a_copy else 0
b_rate = int(b_rows) / b_wall if b_wall else 0
a_msg_s = float(a_msg.rstrip('s')) if a_msg else 0
print(f"legacy data: {n:,} chatbot_messages, {total:,} rows in all")
print(f"{'':38} {'wall s':>8} {'rows/s':>10} {'peak MB':>8}")
print(f"{'(a) migrator: migrate (mapping)':38} {a_copy:8.1f} {a_rate:10,.0f} {mb(a_rss):8.0f}")
print(f"{'    migrate + validate (whole run)':38} {a_wall:8.1f} {int(a_rows or 0)/a_wall:10,.0f}   validation {a_valid}")
print(f"{'    chatbot_messages alone':38} {a_msg_s:8.1f} {n / a_msg_s if a_msg_s else 0:10,.0f}")
print(f"{'(b) pgloader (staging schema)':38} {b_wall:8.1f} {b_rate:10,.0f} {mb(b_rss):8.0f}   ({int(b_rows):,} rows)")
print(f"{'(c) raw binary COPY chatbot_messages':38} {c_copy:8.1f} {n / c_copy if c_copy else 0:10,.0f} {mb(c_rss):8.0f}")
print(f"{'(d) the same, context into jsonb':38} {d_copy:8.1f} {n / d_copy if d_copy else 0:10,.0f} {mb(d_rss):8.0f}")
ok = lambda b: "met" if b else "MISSED"
ratio = a_rate / b_rate if b_rate else 0
print(f"migrator vs pgloader rows/s: {ratio:.1f}x (target >= 5x: {ok(ratio >= 5)})")
if c_cores and b_rate:
    # even the raw COPY, with every core busy all the time, could not move rows faster than this
    for label, cpu, secs in (("the raw COPY", c_cpu, c_copy), ("the raw COPY into jsonb", d_cpu, d_copy)):
        if cpu:
            ceiling = n * c_cores / cpu
            print(f"  (for information) {label} kept the machine busy for {cpu:.1f} CPU-s ({cpu / secs if secs else 0:.2f} of "
                  f"{c_cores} cores): with every core busy it could reach at most {ceiling:,.0f} rows/s = {ceiling / b_rate:.1f}x pgloader's rows/s")
t = a_msg_s / c_copy if c_copy else 0
print(f"migrator chatbot_messages time / raw COPY time: {t:.2f} (target <= 1.3: {ok(0 < t <= 1.3)})")
if d_copy:
    print(f"  (for information) migrator time / raw COPY into jsonb: {a_msg_s / d_copy:.2f}; jsonb alone makes the raw COPY {d_copy / c_copy:.2f}x slower")
print(f"migrator peak memory: {mb(a_rss):.0f} MB (target < 200 MB: {ok(mb(a_rss) < 200)})")
PY
log "summary in $SUMMARY; logs in $LOGS"
exit 0
}
