#!/usr/bin/env bash
# `make bench-chat` (issue 6). Two figures, printed against the issue's targets:
#   1. search latency p50/p95/p99 of the local vector store over CHUNKS (100,000) vectors of 384 floats in one
#      organisation (LocalVectorStore against PostgreSQL in a throwaway database, then the in-memory SIMD index;
#      target p95 <= 20 ms), with its upsert rate and lazy-load time;
#   2. end-to-end POST /api/v1/chatbot/chat requests per second through the gateway with the offline AI provider
#      (REQUESTS with CONCURRENCY in flight) after uploading a document to the demo organisation.
# The client is tests/Benchmarks/ChatSearch (ChatSearch.dll, built by `make build`).
#
# What runs: part 1 only the client and PostgreSQL; part 2 the fleet's admin, chatbot and gateway
# (deploy/local/fleet.sh with FLEET_APPS; started here when not running, and then stopped at the end). The demo
# organisation's requests_per_minute is raised for the run through the Admin API and put back on exit.
#
# Environment (defaults): QUICK=1 (CHUNKS 20,000, REQUESTS 100)  CHUNKS (100000)  QUERIES (1000)  REQUESTS (500)
#   CONCURRENCY (16)  SKIP_CHAT=1 (part 1 only)  NO_INFRA=1 (do not run deploy/local/up.sh)  CONFIGURATION (Release)
#   LOCAL_DIR (<repo>/.local)  GATEWAY_URL (http://127.0.0.1:8080)  PG_PORT (55432)
# Output: the figures on stdout, also in .local/bench/chat-summary-<time>.txt; logs in .local/bench/logs/.
set -euo pipefail
# shellcheck disable=SC2317 # functions called from the trap look unreachable to shellcheck
{

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
BENCH_DIR="$LOCAL_DIR/bench"
LOG_DIR="$BENCH_DIR/logs"
CONFIGURATION="${CONFIGURATION:-Release}"
QUICK="${QUICK:-0}"
if [[ $QUICK == 1 ]]; then CHUNKS="${CHUNKS:-20000}" REQUESTS="${REQUESTS:-100}"; else CHUNKS="${CHUNKS:-100000}" REQUESTS="${REQUESTS:-500}"; fi
QUERIES="${QUERIES:-1000}"
CONCURRENCY="${CONCURRENCY:-16}"
GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:8080}"
PG_PORT="${PG_PORT:-55432}"
BENCH_RPM=1000000
export FLEET_APPS="${FLEET_APPS-admin chatbot gateway}"

# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"
DEMO_CURL_TIMEOUT=30
for v in CHUNKS QUERIES REQUESTS CONCURRENCY; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number, got '${!v}'"
done

BENCH_DLL="$ROOT/tests/Benchmarks/ChatSearch/bin/$CONFIGURATION/net10.0/ChatSearch.dll"
[[ -f $BENCH_DLL ]] || die "$BENCH_DLL is not built: run make build (CONFIGURATION=$CONFIGURATION)"
mkdir -p "$LOG_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
SUMMARY="$BENCH_DIR/chat-summary-$STAMP.txt"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  bench_cleanup
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${NO_INFRA:-0} != 1 ]]; then
  "$ROOT/deploy/local/up.sh" >"$LOG_DIR/chat-up.log" 2>&1 || die "deploy/local/up.sh failed (log $LOG_DIR/chat-up.log)"
fi
[[ -f $LOCAL_DIR/secrets.env ]] || die "no $LOCAL_DIR/secrets.env: run deploy/local/up.sh"
PG_SUPERUSER_PASSWORD=$(sed -n 's/^PG_SUPERUSER_PASSWORD=//p' "$LOCAL_DIR/secrets.env" | tr -d "\"'")
[[ -n $PG_SUPERUSER_PASSWORD ]] || die "$LOCAL_DIR/secrets.env lacks PG_SUPERUSER_PASSWORD"

# ---------------------------------------------------------------------------------------------------------------
# 1. search latency in the local index
log "part 1: $CHUNKS vectors into a throwaway database, then $QUERIES searches (log $LOG_DIR/chat-search.log)"
PG_SUPERUSER_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=postgres;Username=postgres;Password=$PG_SUPERUSER_PASSWORD" \
  CHUNKS=$CHUNKS QUERIES=$QUERIES dotnet "$BENCH_DLL" search >"$LOG_DIR/chat-search.log" 2>&1 ||
  { tail -n 30 "$LOG_DIR/chat-search.log" >&2; die "the search benchmark failed"; }
tee "$SUMMARY" <"$LOG_DIR/chat-search.log"

if [[ ${SKIP_CHAT:-0} == 1 ]]; then
  log "SKIP_CHAT=1: no /chat measurement"
  exit 0
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. /chat through the gateway
bench_fleet_up "$LOG_DIR/chat-fleet.log"
bench_demo_key
bench_raise_rate_limit "$BENCH_RPM" "$GATEWAY_URL/api/v1/chatbot/sessions?user_id=bench"

# a knowledge base for the questions: one Markdown document, ingested synchronously or polled until ready
doc=$(mktemp "$BENCH_DIR/.chat-doc.XXXXXX.md")
python3 - "$doc" <<'PY'
import sys
topics = ["budget", "project manager", "end date", "risks", "beneficiaries", "regions", "monitoring and evaluation", "outcomes"]
lines = ["# Clean Water for Rural Schools", ""]
for i in range(40):
    t = topics[i % len(topics)]
    lines += [f"## Section {i + 1}: {t}", "",
              f"The {t} of the Clean Water for Rural Schools project is described here in detail. "
              f"Paragraph {i + 1} explains how the {t} relates to the 120 schools in the three northern regions, "
              f"the total budget of 2.4 million dollars, the project manager Amina Njoroge and the end date in December 2027.", ""]
open(sys.argv[1], "w").write("\n".join(lines))
PY
upload=$(demo_curl -f -F "file=@$doc;type=text/markdown;filename=bench-chat.md" "$GATEWAY_URL/api/v1/chatbot/documents") ||
  { rm -f "$doc"; die "uploading the benchmark document failed"; }
rm -f "$doc"
doc_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' <<<"$upload")
deadline=$((SECONDS + 300))
until [[ $(demo_curl "$GATEWAY_URL/api/v1/chatbot/documents/$doc_id" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("status", ""))') == ready ]]; do
  ((SECONDS < deadline)) || die "the benchmark document was not ready within 300 s"
  sleep 1
done
log "document $doc_id ready; warm-up (20 requests), then $REQUESTS /chat requests, $CONCURRENCY in flight"

GATEWAY_URL=$GATEWAY_URL REQUESTS=20 CONCURRENCY=4 dotnet "$BENCH_DLL" chat >"$LOG_DIR/chat-warmup.log" 2>&1 ||
  { tail -n 20 "$LOG_DIR/chat-warmup.log" >&2; die "the /chat warm-up failed"; }
echo | tee -a "$SUMMARY"
GATEWAY_URL=$GATEWAY_URL REQUESTS=$REQUESTS CONCURRENCY=$CONCURRENCY dotnet "$BENCH_DLL" chat 2>&1 | tee -a "$SUMMARY"
demo_curl -f -o /dev/null -X DELETE "$GATEWAY_URL/api/v1/chatbot/documents/$doc_id" || log "WARNING: could not delete the benchmark document $doc_id"
log "summary: $SUMMARY"
exit 0
}
