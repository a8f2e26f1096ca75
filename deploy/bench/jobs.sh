#!/usr/bin/env bash
# `make bench-jobs`: async analysis jobs end to end (issue 5). Submits N jobs through the gateway
# (POST /api/v1/analyzer/jobs, the offline AI provider, prompts p1..p5, a ~2-page proposal) with bounded concurrency
# and reads their outcome from the Analyzer's own tables. Prints jobs/s, p50/p95 time to `succeeded`, and the
# succeeded / failed / lost / duplicated counts against the issue's targets (>= 300 jobs/s, 0 lost, 0 duplicated).
#
# What runs: the fleet's admin, analyzer and gateway (deploy/local/fleet.sh with FLEET_APPS; started here with CONFIGURATION=$CONFIGURATION when it is not running,
# and then stopped at the end), and WORKERS (2) `Analyzer.dll --role worker` processes on free ports with the fleet's
# environment, stopped on exit: the issue's "2 workers". The fleet's Analyzer on :8082, when started here, serves the
# API only (--role api, as FLEET_ANALYZER_ROLE says), so the workers are the only consumers; a fleet that was already
# running (make run) keeps its Analyzer's role, which also consumes by default: then there are WORKERS + 1 consumers,
# and the table says so.
# The client is tests/Benchmarks/Jobs (JobsBench.dll, built by `make build`).
#
# Definitions (printed with the table):
#   time to succeeded  analyzer.jobs.finished_at - the moment the client sent the POST (one machine, one clock)
#   jobs/s             succeeded jobs / (last finished_at - first submission)
#   lost               accepted (202) but not succeeded or failed CEILING seconds after the last submission
#   duplicated         a job with more than one completion event (kind 'event') in analyzer.outbox: the event is
#                      written in the transaction that writes the job's result, so two rows = the result written twice
# A missed target is a finding, not a failure. The command fails when the measurement is not valid: a submission
# answered other than 202, a worker or the fleet that does not start, or the database that cannot be read.
#
# The demo organisation allows 600 requests a minute; for the run its settings.requests_per_minute is raised to
# 1,000,000 through the Admin API (via the gateway) and put back on exit. The gateway caches verified keys (with the
# organisation's limit) for up to 60 s, so the run waits until the gateway's RateLimit-Policy shows the new quota.
#
# Environment (defaults):
#   QUICK=1          a smoke run: N=200
#   N (2000; QUICK 200)  CONCURRENCY (32 submissions in flight)  CEILING (600 s after the last submission)
#   WARMUP (1000; QUICK 90)  jobs submitted and finished before the measured run (0: none; not counted). A fresh
#                    worker spends well more CPU on its first few hundred jobs (JIT: the Analyzer runs untiered, so every
#                    method is compiled fully optimised on first use; connection pools and prepared statements; PostgreSQL
#                    backends and their caches; caches of the tokenizer): the warm-up's own rate is shown, not judged
#   FLEET_ANALYZER_ROLE (api)  the role of the fleet's Analyzer when this script starts the fleet (all: API + consumer)
#   WORKERS (2)      extra --role worker processes     PROMPTS (p1,p2,p3,p4,p5)
#   WORKER_ENV       more VAR=value settings for the extra workers only, to try one before making it the Analyzer's
#                    own, e.g. WORKER_ENV="Jobs__ConsumerConcurrency=16 ConnectionStrings__Postgres=...;Maximum Pool Size=20"
#                    (split on spaces; the fleet's Analyzer keeps its settings)
#   KEEP_JOBS=1      leave the run's jobs and sessions in the database (by default the client deletes them at the end:
#                    else every run adds N + WARMUP sessions with their documents to the demo organisation's history)
#   NO_INFRA=1       do not run deploy/local/up.sh     CONFIGURATION (Release)  LOCAL_DIR (<repo>/.local)
#   GATEWAY_URL (http://127.0.0.1:8080)  ADMIN_PORT (8081)  PG_PORT (55432)
# Output: the table on stdout, also in .local/bench/jobs-summary-<time>.txt; worker logs in .local/bench/logs/.
set -euo pipefail
# (the whole script is one block, read before it runs: editing the file during a run cannot break the run)
# shellcheck disable=SC2317 # functions called from the trap look unreachable to shellcheck
{

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
BENCH_DIR="$LOCAL_DIR/bench"
LOG_DIR="$BENCH_DIR/logs"
CONFIGURATION="${CONFIGURATION:-Release}"
QUICK="${QUICK:-0}"
if [[ $QUICK == 1 ]]; then N="${N:-200}"; WARMUP="${WARMUP:-90}"; else N="${N:-2000}"; WARMUP="${WARMUP:-1000}"; fi
CONCURRENCY="${CONCURRENCY:-32}"
CEILING="${CEILING:-600}"
WORKERS="${WORKERS:-2}"
PROMPTS="${PROMPTS:-p1,p2,p3,p4,p5}"
GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:8080}"
ADMIN_PORT="${ADMIN_PORT:-8081}"
PG_PORT="${PG_PORT:-55432}"
BENCH_RPM=1000000
GC_SERVER="${DOTNET_gcServer:-0}" # as deploy/local/fleet.sh runs the fleet
# the apps the benchmark needs (deploy/local/fleet.sh starts, checks and stops only these); FLEET_APPS="" for all
export FLEET_APPS="${FLEET_APPS-admin analyzer gateway}"
START_SECONDS=$SECONDS
# shellcheck source=deploy/bench/lib.sh
. "$ROOT/deploy/bench/lib.sh"

for v in N CONCURRENCY CEILING; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number, got '${!v}'"
done
[[ $WORKERS =~ ^[0-9]+$ ]] || die "WORKERS must be a number, got '$WORKERS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a number, got '$WARMUP'"
FLEET_ANALYZER_ROLE="${FLEET_ANALYZER_ROLE:-api}"
[[ $FLEET_ANALYZER_ROLE =~ ^(api|all)$ ]] || die "FLEET_ANALYZER_ROLE must be api or all, got '$FLEET_ANALYZER_ROLE'"
read -ra WORKER_EXTRA_ENV <<<"${WORKER_ENV:-}"
for e in "${WORKER_EXTRA_ENV[@]}"; do [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || die "WORKER_ENV must be VAR=value words, got '$e'"; done
[[ $PROMPTS =~ ^p[1-5](,p[1-5])*$ ]] || die "PROMPTS must be like p1,p2,p3, got '$PROMPTS'"

ANALYZER_DLL="$ROOT/services/Analyzer/bin/$CONFIGURATION/net10.0/Analyzer.dll"
BENCH_DLL="$ROOT/tests/Benchmarks/Jobs/bin/$CONFIGURATION/net10.0/JobsBench.dll"
for dll in "$ANALYZER_DLL" "$BENCH_DLL"; do
  [[ -f $dll ]] || die "$dll is not built: run make build (CONFIGURATION=$CONFIGURATION)"
done

mkdir -p "$LOG_DIR"
exec 8>"$BENCH_DIR/.jobs.lock"
flock -n 8 || die "another deploy/bench/jobs.sh is running on $LOCAL_DIR"

# ---------------------------------------------------------------------------------------------------------------
# cleanup: everything started or changed here, in reverse order (the trap runs on every exit, including Ctrl-C)
WORKER_PIDS=()

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  bench_restore_rate_limit # through the gateway, before anything stops
  for pid in "${WORKER_PIDS[@]}"; do stop_pid "$pid"; done
  ((${#WORKER_PIDS[@]} == 0)) || log "stopped ${#WORKER_PIDS[@]} extra worker(s)"
  bench_cleanup
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
# infrastructure and fleet
if [[ ${NO_INFRA:-0} != 1 ]]; then
  "$ROOT/deploy/local/up.sh" >"$LOG_DIR/jobs-up.log" 2>&1 || die_with_log "deploy/local/up.sh failed" "$LOG_DIR/jobs-up.log"
  log "infrastructure up (deploy/local/up.sh)"
fi
[[ -f $LOCAL_DIR/secrets.env ]] || die "no $LOCAL_DIR/secrets.env: run deploy/local/up.sh"

# Jobs__Role reaches the apps fleet.sh starts (only the Analyzer reads it); the workers' --role worker wins over it
Jobs__Role=$FLEET_ANALYZER_ROLE bench_fleet_up "$LOG_DIR/jobs-fleet.log"
# the fleet's Analyzer: its row in the CPU table, and who consumes jobs (printed with the table)
if ((FLEET_STARTED)) && [[ $FLEET_ANALYZER_ROLE == api ]]; then
  FLEET_ANALYZER="analyzer (fleet: API only)"
  consumers="$WORKERS x --role worker (the fleet's Analyzer: API only, --role api)"
elif ((FLEET_STARTED)); then
  FLEET_ANALYZER="analyzer (fleet, API + consumer)"
  consumers="the fleet's Analyzer (API + consumer) and $WORKERS x --role worker"
else
  FLEET_ANALYZER="analyzer (fleet as it runs)"
  consumers="$WORKERS x --role worker and the already running fleet's Analyzer in its own role"
  log "NOTE: the fleet was already running: its Analyzer keeps its role (by default API + consumer, one more consumer than WORKERS)"
fi
bench_demo_key

# ---------------------------------------------------------------------------------------------------------------
# extra workers, with the environment deploy/local/fleet.sh gives the fleet
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
WORKER_PORTS=()
for i in $(seq 1 "$WORKERS"); do
  port=$(free_port)
  (
    set -a
    # shellcheck disable=SC1091
    . "$LOCAL_DIR/secrets.env"
    set +a
    export PGPASSFILE="$LOCAL_DIR/pgpass"
    export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
    export DOTNET_gcServer="$GC_SERVER"
    export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-0}" # as deploy/local/fleet.sh runs the fleet
    export DOTNET_ReadyToRun="${DOTNET_ReadyToRun:-0}" # as deploy/local/fleet.sh runs the Analyzer
    export Prompts__AdminAddress="http://127.0.0.1:$ADMIN_PORT/"
    export Auth__AdminAddress="http://127.0.0.1:$ADMIN_PORT/"
    for e in "${WORKER_EXTRA_ENV[@]}"; do export "${e?}"; done
    cd "$(dirname "$ANALYZER_DLL")"
    exec dotnet "$ANALYZER_DLL" --role worker --urls "http://127.0.0.1:$port" >"$LOG_DIR/jobs-worker-$i.log" 2>&1 8>&-
  ) &
  WORKER_PIDS+=("$!")
  WORKER_PORTS+=("$port")
  log "started worker $i (--role worker, pid $!, :$port, log $LOG_DIR/jobs-worker-$i.log)"
done
for i in "${!WORKER_PORTS[@]}"; do
  deadline=$((SECONDS + 120))
  until curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:${WORKER_PORTS[$i]}/health/ready"; do
    proc_alive "${WORKER_PIDS[$i]}" || die_with_log "worker $((i + 1)) exited during start" "$LOG_DIR/jobs-worker-$((i + 1)).log"
    ((SECONDS < deadline)) || die_with_log "worker $((i + 1)) was not ready within 120 s" "$LOG_DIR/jobs-worker-$((i + 1)).log"
    sleep 0.5
  done
done
((WORKERS == 0)) || log "$WORKERS extra worker(s) ready"

# ---------------------------------------------------------------------------------------------------------------
# the demo organisation's rate limit, raised for the run (restored on exit)
bench_raise_rate_limit "$BENCH_RPM" "$GATEWAY_URL/api/v1/analyzer/jobs/00000000-0000-0000-0000-000000000000"

# ---------------------------------------------------------------------------------------------------------------
# warm-up: fresh processes spend their first seconds in the JIT, loading the tokenizer's vocabulary and opening
# connections; the client first submits WARMUP jobs and waits for them, unmeasured (in its own process, so that its JIT
# work is not measured either), so the figures are those of a running service
if ((WARMUP > 0)); then log "warm-up: $WARMUP jobs first (not measured)"; fi

# ---------------------------------------------------------------------------------------------------------------
# the benchmark
STAMP=$(date +%Y%m%d-%H%M%S)
SUMMARY="$BENCH_DIR/jobs-summary-$STAMP.txt"
description="consumers: $consumers; Jobs:ConsumerConcurrency per process \
8 (default)${WORKER_ENV:+; extra workers also with $WORKER_ENV}; $WARMUP warm-up jobs before (not counted); AI provider offline; DOTNET_gcServer=$GC_SERVER; $(nproc) cores, everything on one machine"
# CPU time per component over the measured run (submissions and waiting, after the warm-up), from /proc, and the
# client's own as it reports it: where the machine's time goes
CLK_TCK=$(getconf CLK_TCK)
pid_file_pid() { if [[ -s $LOCAL_DIR/run/$1.pid ]]; then cat "$LOCAL_DIR/run/$1.pid"; fi; }
declare -A PIDS_OF=()
PIDS_OF["$FLEET_ANALYZER"]=$(pid_file_pid analyzer)
PIDS_OF["analyzer workers (--role worker)"]="${WORKER_PIDS[*]}"
PIDS_OF[gateway]=$(pid_file_pid gateway)
PIDS_OF[admin]=$(pid_file_pid admin)
group_pids() { # the pids of a group now (PostgreSQL backends come and go; the postmaster's children times count reaped ones)
  case $1 in
    postgresql) ps -u postgres -o pid= 2>/dev/null | tr -s ' \n' ' ' ;;
    rabbitmq) ps -u rabbitmq -o pid= 2>/dev/null | tr -s ' \n' ' ' ;;
    *) echo "${PIDS_OF[$1]}" ;;
  esac
}
group_ticks() { # user + system ticks, and those of reaped children (one awk for the group: quick on a busy machine)
  local pid files=()
  for pid in $(group_pids "$1"); do files+=("/proc/$pid/stat"); done
  if ((${#files[@]} == 0)); then echo 0; return; fi
  cat "${files[@]}" 2>/dev/null | awk '{ sub(/.*\) /, ""); t += $12 + $13 + $14 + $15 } END { printf "%d\n", t }'
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
COMPONENTS=("$FLEET_ANALYZER" "analyzer workers (--role worker)" gateway admin postgresql rabbitmq)
declare -A BEFORE=() AFTER=()
PHASE_FILE="$BENCH_DIR/.jobs-phase.$$"
rm -f "$PHASE_FILE"

rc=0
PGPASSFILE="$LOCAL_DIR/pgpass" N=$N WARMUP=$WARMUP CONCURRENCY=$CONCURRENCY CEILING=$CEILING PROMPTS=$PROMPTS \
  GATEWAY_URL=$GATEWAY_URL PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=platform;Username=analyzer" \
  BENCH_DESCRIPTION="$description" PHASE_FILE="$PHASE_FILE" dotnet "$BENCH_DLL" 8>&- > >(tee "$SUMMARY") &
client_pid=$!
# the measured run starts when the client writes the phase file (after its warm-up): every process's CPU time then
until [[ -s $PHASE_FILE ]] || ! kill -0 "$client_pid" 2>/dev/null; do sleep 0.05; done
read -r busy_before total_before <<<"$(machine_ticks)"
for c in "${COMPONENTS[@]}"; do BEFORE[$c]=$(group_ticks "$c"); done
wait "$client_pid" || rc=$?
for c in "${COMPONENTS[@]}"; do AFTER[$c]=$(group_ticks "$c"); done
read -r busy_after total_after <<<"$(machine_ticks)"
sleep 0.2 # tee's last lines
client_cpu=$(sed -n 's/^client_cpu_seconds=//p' "$PHASE_FILE" 2>/dev/null | head -n 1)
rm -f "$PHASE_FILE"
succeeded=$(sed -n 's/^succeeded  *\([0-9]*\).*/\1/p' "$SUMMARY" | head -n 1)
{
  echo
  echo "CPU over the measured run ($(awk -v t=$((total_after - total_before)) -v hz="$CLK_TCK" -v n="$(nproc)" 'BEGIN { printf "%.1f", t / hz / n }') s wall; ms per job = CPU ms / ${succeeded:-0} succeeded jobs)"
  printf '  %-40s %10s %12s %10s\n' component "CPU s" "ms per job" "% machine"
  ours=0
  for c in "${COMPONENTS[@]}" "bench client (JobsBench)"; do
    if [[ $c == bench* ]]; then
      t=$(awk -v s="${client_cpu:-0}" -v hz="$CLK_TCK" 'BEGIN { printf "%d", s * hz + 0.5 }')
    else
      t=$((${AFTER[$c]} - ${BEFORE[$c]}))
    fi
    ((t >= 0)) || t=0
    ours=$((ours + t))
    awk -v c="$c" -v t="$t" -v hz="$CLK_TCK" -v n="${succeeded:-0}" -v all=$((total_after - total_before)) \
      'BEGIN { printf "  %-40s %10.1f %12s %9.1f%%\n", c, t / hz, (n > 0 ? sprintf("%.1f", t / hz * 1000 / n) : "-"), (all > 0 ? t / all * 100 : 0) }'
  done
  awk -v b=$((busy_after - busy_before - ours)) -v all=$((total_after - total_before)) \
    'BEGIN { p = all > 0 ? b / all * 100 : 0; printf "  %-40s %10s %12s %9.1f%%   (other builds, tests, benchmarks on this machine)\n", "everything else", "", "", (p < 0 ? 0 : p) }'
  awk -v i=$((total_after - total_before - (busy_after - busy_before))) -v all=$((total_after - total_before)) \
    'BEGIN { printf "  %-40s %10s %12s %9.1f%%\n", "idle / iowait", "", "", (all > 0 ? i / all * 100 : 0) }'
} | tee -a "$SUMMARY" || log "WARNING: the CPU figures could not be computed"
echo
for i in "${!WORKER_PIDS[@]}"; do
  proc_alive "${WORKER_PIDS[$i]}" || log "WARNING: worker $((i + 1)) died during the run (log $LOG_DIR/jobs-worker-$((i + 1)).log)"
done
retries=$(cat "$LOG_DIR"/jobs-worker-*.log 2>/dev/null | grep -c 'attempt [0-9]* failed' || true)
exhausted=$(cat "$LOG_DIR"/jobs-worker-*.log 2>/dev/null | grep -c '53300' || true)
((retries + exhausted == 0)) || log "NOTE: the extra workers logged $retries failed job attempts (retried) and $exhausted PostgreSQL 'too many connections' (53300) errors (the fleet's own analyzer log: $LOCAL_DIR/logs/analyzer.log)"
log "took $(((SECONDS - START_SECONDS) / 60)) min $(((SECONDS - START_SECONDS) % 60)) s; the table is also in $SUMMARY"
((rc == 0)) || die "the measurement is not valid (JobsBench exit code $rc)"
exit 0
}
