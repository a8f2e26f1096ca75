#!/usr/bin/env bash
# `make bench-gateway`: how much the gateway costs compared with other proxies in front of the same upstream.
#
# One local upstream (tests/Benchmarks/Upstream: Kestrel answering 1 KB of JSON) and four targets in front of it:
#   direct     wrk -> upstream
#   nginx      wrk -> nginx (Debian package, plain reverse proxy, upstream keep-alive) -> upstream
#   bare-yarp  wrk -> tests/Benchmarks/BareYarp (YARP, default settings, LoadFromConfig) -> upstream
#   gateway    wrk -> gateway/bin/$CONFIGURATION/net10.0/Gateway.dll (auth, rate limit, weighted split with a legacy
#              side configured, metrics: everything on) -> upstream, path /api/v1/analyzer/bench
# wrk (Debian package) runs at each connection count (default 16 and 64, 2 threads) against the targets in turn,
# A B C D, for several rounds; the medians are printed with the ratios and issue 4's targets beside them.
# A missed target is a finding, not a failure. The command fails when something is wrong with the measurement
# itself: a target answering errors (a 401 or 429 from the gateway would mean it measured the wrong thing), socket
# errors, or a server that does not start.
#
# Everything runs on 127.0.0.1, on free ports from BENCH_PORT_BASE up. Everything this script starts (upstream, nginx,
# bare YARP, the gateway, its own Admin, the benchmark's API key, the analyzer weight it set) is stopped, revoked or
# restored on exit. The local servers (PostgreSQL, RabbitMQ, Redis) are brought up with
# deploy/local/up.sh like `make run` and `make test` do, and left running like those leave them.
# Needs root (installs wrk and nginx with apt-get when missing).
#
# Environment (defaults):
#   QUICK=1          a smoke run of about 2 minutes: 1 round, 5 s runs after a 2 s warm-up
#   ROUNDS (3; QUICK 1)  DURATION (10 s; QUICK 5)  WARMUP (3 s before each run; QUICK 2)  CONNECTIONS ("16 64")
#   THREADS (2)  PRIME (10 s; QUICK 3): load on each target once before the first round, so that the .NET targets'
#                    JIT has reached its optimised tier (with a few seconds only, round 1 measured partly tier-0 code)
#   TARGETS ("direct nginx bare-yarp gateway")  a subset for quicker iterations, e.g. TARGETS="bare-yarp gateway"
#   BENCH_GC (fleet) GC of bare YARP and the gateway, the same for both:
#                    fleet = DOTNET_gcServer=${DOTNET_gcServer:-0} as deploy/local/fleet.sh runs the fleet,
#                    server = DOTNET_gcServer=1, app = whatever each app's runtimeconfig.json says
#   PROXY_ENV        more VAR=value settings for bare YARP and the gateway alike, e.g. PROXY_ENV="DOTNET_TieredPGO=0"
#   GATEWAY_ENV      more VAR=value settings for the gateway only (to try a setting before making it the gateway's own)
#   ADMIN_URL        an Admin to verify keys with, e.g. the fleet's http://127.0.0.1:8081/ (default: one started here, on
#                    its own port, so that a fleet stopped or restarted meanwhile cannot disturb the run)
#   NO_BUILD=1       use what is built (otherwise the upstream, bare YARP, the gateway and Admin are built first)
#   NO_INFRA=1       do not run deploy/local/up.sh (make bench-gateway runs it first)
#   GATEWAY_DLL      another gateway build to measure, e.g. from a second checkout (then with NO_BUILD=1)
#   BENCH_NICE (0)   e.g. -10 on a machine busy with other work: the benchmark's processes (wrk, upstream, targets)
#                    then take the CPU first (the others slow down meanwhile; Redis keeps its own priority)
#   BENCH_PORT_BASE (18400)  LOCAL_DIR (<repo>/.local)  CONFIGURATION (Release)
# Output: the table on stdout; every run's figures in .local/bench/gateway-results-<time>.tsv, the table in
# .local/bench/gateway-summary-<time>.txt, and logs of every server under .local/bench/logs/gateway/.
set -euo pipefail
# (the whole script is one block, read before it runs: editing the file during a run cannot break the run)
# shellcheck disable=SC2317 # inside the block shellcheck takes the functions that traps call for unreachable
{

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/deploy/bench"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
BENCH_DIR="$LOCAL_DIR/bench"
LOG_DIR="$BENCH_DIR/logs/gateway"
CONFIGURATION="${CONFIGURATION:-Release}"
QUICK="${QUICK:-0}"
if [[ $QUICK == 1 ]]; then
  ROUNDS="${ROUNDS:-1}" DURATION="${DURATION:-5}" WARMUP="${WARMUP:-2}" PRIME="${PRIME:-3}"
else
  ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-10}" WARMUP="${WARMUP:-3}" PRIME="${PRIME:-10}"
fi
CONNECTIONS="${CONNECTIONS:-16 64}"
THREADS="${THREADS:-2}"
BENCH_GC="${BENCH_GC:-fleet}"
BENCH_PORT_BASE="${BENCH_PORT_BASE:-18400}"
BENCH_NICE="${BENCH_NICE:-0}"
BENCH_PATH=/api/v1/analyzer/bench
ROUTE=analyzer
read -ra TARGETS <<<"${TARGETS:-direct nginx bare-yarp gateway}"
START_SECONDS=$SECONDS

# shellcheck source=deploy/bench/lib.sh
. "$HERE/lib.sh"
DEMO_CURL_TIMEOUT=10

[[ $(id -u) -eq 0 ]] || die "run as root (installs wrk and nginx with apt-get when missing)"
for v in ROUNDS DURATION WARMUP PRIME THREADS BENCH_PORT_BASE; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive number, got '${!v}'"
done
if ! [[ $BENCH_NICE =~ ^-?[0-9]+$ ]] || ((BENCH_NICE < -20 || BENCH_NICE > 19)); then die "BENCH_NICE must be -20..19, got '$BENCH_NICE'"; fi
for t in "${TARGETS[@]}"; do
  [[ $t =~ ^(direct|nginx|bare-yarp|gateway)$ ]] || die "TARGETS must be some of: direct nginx bare-yarp gateway, got '$t'"
done
for c in $CONNECTIONS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "CONNECTIONS must be positive numbers, got '$CONNECTIONS'"; done
case $BENCH_GC in
  fleet) PROXY_GC_ENV=("DOTNET_gcServer=${DOTNET_gcServer:-0}") ;;
  server) PROXY_GC_ENV=(DOTNET_gcServer=1) ;;
  app) PROXY_GC_ENV=() ;;
  *) die "BENCH_GC must be fleet, server or app, got '$BENCH_GC'" ;;
esac
read -ra PROXY_EXTRA_ENV <<<"${PROXY_ENV:-}"
for e in "${PROXY_EXTRA_ENV[@]}"; do [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*=.*$ ]] || die "PROXY_ENV must be VAR=value words, got '$e'"; done
PROXY_GC_ENV+=("${PROXY_EXTRA_ENV[@]}")
read -ra GATEWAY_EXTRA_ENV <<<"${GATEWAY_ENV:-}"
for e in "${GATEWAY_EXTRA_ENV[@]}"; do [[ $e =~ ^[A-Za-z_][A-Za-z0-9_-]*=.*$ ]] || die "GATEWAY_ENV must be VAR=value words, got '$e'"; done
mkdir -p "$LOG_DIR"
exec 8>"$BENCH_DIR/.gateway.lock"
flock -n 8 || die "another deploy/bench/gateway.sh is running on $LOCAL_DIR"

# ---------------------------------------------------------------------------------------------------------------
# cleanup: everything started here, in reverse order (the trap runs on every exit, including Ctrl-C)
declare -A PIDS=()
NGINX_PID_FILE="$BENCH_DIR/nginx/nginx.pid"
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_BACKUP="$POLICY_RC.bench-backup"
POLICY_INSTALLED=0
BENCH_KEY_ID=""
WEIGHT_TO_RESTORE=""
GATEWAY_URL=""
DEMO_HEADERS=""

restore_policy_rc() {
  if ((POLICY_INSTALLED)); then
    if [[ -e $POLICY_BACKUP ]]; then mv -f "$POLICY_BACKUP" "$POLICY_RC"; else rm -f "$POLICY_RC"; fi
    POLICY_INSTALLED=0
  fi
}
# last resort when the gateway cannot revoke the key: straight in Admin's table (gateways that cached the key keep
# it for at most a minute, as no ApiKeyRevoked event goes out this way)
revoke_in_database() {
  local port database
  port=$(sed -n 's/^PG_PORT=//p' "$LOCAL_DIR/run/ports.env" 2>/dev/null)
  database=$(sed -n 's/^PG_DATABASE=//p' "$LOCAL_DIR/run/ports.env" 2>/dev/null)
  if [[ $BENCH_KEY_ID =~ ^[0-9a-f-]{36}$ ]] &&
    PGPASSFILE="$LOCAL_DIR/pgpass" psql -X -q -h 127.0.0.1 -p "${port:-55432}" -U admin -d "${database:-platform}" \
    -c "UPDATE admin.api_keys SET revoked_at = now() WHERE id = '$BENCH_KEY_ID' AND revoked_at IS NULL" >/dev/null 2>&1; then
    log "revoked the benchmark's API key $BENCH_KEY_ID in the database"
  else
    log "WARNING: could not revoke the benchmark's API key $BENCH_KEY_ID: revoke it by hand"
  fi
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  restore_policy_rc
  if [[ -n $GATEWAY_URL && -n ${PIDS[gateway]:-} ]] && proc_alive "${PIDS[gateway]}"; then
    if [[ -n $BENCH_KEY_ID ]]; then
      code=$(demo_curl -o /dev/null -w '%{http_code}' -X POST "$GATEWAY_URL/api/v1/admin/api-keys/$BENCH_KEY_ID/revoke")
      if [[ $code == 200 ]]; then
        log "revoked the benchmark's API key $BENCH_KEY_ID"
      else
        log "could not revoke the benchmark's API key through the gateway (HTTP $code)"
        revoke_in_database
      fi
    fi
    if [[ -n $WEIGHT_TO_RESTORE ]]; then
      code=$(demo_curl -o /dev/null -w '%{http_code}' -X PUT "$GATEWAY_URL/ops/rollout/$ROUTE" -H 'Content-Type: application/json' \
        --data "{\"weight\": $WEIGHT_TO_RESTORE, \"reason\": \"make bench-gateway: back to the weight before the benchmark\"}")
      if [[ $code == 200 ]]; then
        log "analyzer weight restored to $WEIGHT_TO_RESTORE"
      else
        log "WARNING: could not restore the analyzer weight to $WEIGHT_TO_RESTORE (HTTP $code): make weight ROUTE=$ROUTE NEW=$WEIGHT_TO_RESTORE REASON=..."
      fi
    fi
  else
    [[ -z $BENCH_KEY_ID ]] || revoke_in_database
    [[ -z $WEIGHT_TO_RESTORE ]] ||
      log "WARNING: the gateway is gone: set the analyzer weight back to $WEIGHT_TO_RESTORE: make weight ROUTE=$ROUTE NEW=$WEIGHT_TO_RESTORE REASON=..."
  fi
  for name in gateway admin bare-yarp upstream; do
    if [[ -n ${PIDS[$name]:-} ]]; then stop_pid "${PIDS[$name]}"; fi
  done
  if [[ -s $NGINX_PID_FILE ]]; then
    stop_pid "$(cat "$NGINX_PID_FILE")" QUIT
    rm -f "$NGINX_PID_FILE"
  fi
  rm -f "$BENCH_DIR/demo-headers" "$BENCH_DIR/bench-key.env"
  ((status == 0)) || log "failed (exit $status); logs in $LOG_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# tools: wrk and nginx from Debian (no service may start: policy-rc.d forbids it while installing)
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
command -v ps >/dev/null || missing+=(procps)
if ((${#missing[@]})); then
  log "installing ${missing[*]} (log: $LOG_DIR/apt.log)"
  if [[ -e $POLICY_RC ]] && grep -qx 'exit 101' "$POLICY_RC"; then
    : # services are already forbidden to start
  else
    [[ -e $POLICY_RC && ! -e $POLICY_BACKUP ]] && cp -p "$POLICY_RC" "$POLICY_BACKUP"
    POLICY_INSTALLED=1
    printf '#!/bin/sh\n# temporary, written by deploy/bench/gateway.sh while installing packages\nexit 101\n' >"$POLICY_RC"
    chmod 755 "$POLICY_RC"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  { apt-get "${apt_opts[@]}" update && apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"; } \
    >"$LOG_DIR/apt.log" 2>&1 8>&- || die_with_log "apt-get install ${missing[*]} failed" "$LOG_DIR/apt.log"
  restore_policy_rc
  # a package whose maintainer script started its daemon anyway (no policy-rc.d honoured): stop it again
  if [[ -s /run/nginx.pid ]] && proc_alive "$(cat /run/nginx.pid)"; then
    log "stopping the system nginx that the package install started"
    /usr/sbin/nginx -s quit 2>/dev/null || true
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# infrastructure and builds
if [[ ${NO_INFRA:-0} != 1 ]]; then
  log "local servers (deploy/local/up.sh)"
  "$ROOT/deploy/local/up.sh" >"$LOG_DIR/up.log" 2>&1 8>&- || die_with_log "deploy/local/up.sh failed" "$LOG_DIR/up.log"
fi
[[ -f $LOCAL_DIR/secrets.env ]] || die "no $LOCAL_DIR/secrets.env: run deploy/local/up.sh"

# retried: other builds running at the same time can hold the same files for a moment. With a second argument (the
# built dll) a failed build falls back to that earlier build, with a warning.
build() {
  local project=$1 fallback=${2:-} attempt
  for attempt in 1 2 3; do
    if dotnet build "$ROOT/$project" -c "$CONFIGURATION" --nologo -v q >"$LOG_DIR/build.log" 2>&1 8>&-; then return 0; fi
    log "building $project failed (attempt $attempt)"
    sleep 5
  done
  if [[ -n $fallback && -f $fallback ]]; then
    log "WARNING: using the earlier build $fallback ($(date -r "$fallback" '+%F %T')); errors in $LOG_DIR/build.log"
    cp "$LOG_DIR/build.log" "$LOG_DIR/build-failed.log"
    return 0
  fi
  die_with_log "could not build $project" "$LOG_DIR/build.log"
}
UPSTREAM_DLL="$ROOT/tests/Benchmarks/Upstream/bin/$CONFIGURATION/net10.0/Upstream.dll"
BARE_YARP_DLL="$ROOT/tests/Benchmarks/BareYarp/bin/$CONFIGURATION/net10.0/BareYarp.dll"
GATEWAY_DLL="${GATEWAY_DLL:-$ROOT/gateway/bin/$CONFIGURATION/net10.0/Gateway.dll}"
ADMIN_DLL="$ROOT/services/Admin/bin/$CONFIGURATION/net10.0/Admin.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ ${NO_BUILD:-0} != 1 ]]; then
  # the gateway too: a stale Gateway.dll would be measured without a word
  log "building the upstream, bare YARP, the gateway and Admin ($CONFIGURATION)"
  build tests/Benchmarks/Upstream/Upstream.csproj
  build tests/Benchmarks/BareYarp/BareYarp.csproj
  build gateway/Gateway.csproj
  build services/Admin/Admin.csproj "$ADMIN_DLL" # only verifies keys: an earlier build does as well
fi
for dll in "$UPSTREAM_DLL" "$BARE_YARP_DLL" "$GATEWAY_DLL" "$ADMIN_DLL"; do
  [[ -f $dll ]] || die "$dll is not built: run make build"
done

# ---------------------------------------------------------------------------------------------------------------
# servers
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NEXT_PORT=$BENCH_PORT_BASE
free_port() {
  while port_in_use "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
  FREE_PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}
# wait until $2 answers 200 (curl -f), while process $3 lives
wait_ready() {
  local name=$1 url=$2 pid=$3 logfile=$4 deadline=$((SECONDS + 90))
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    proc_alive "$pid" || die_with_log "$name exited while starting" "$logfile"
    ((SECONDS < deadline)) || die_with_log "$name did not answer $url within 90 s" "$logfile"
    sleep 0.3
  done
}
# start_dotnet NAME DLL PORT [VAR=value ...]: runs the app from its own folder (its appsettings.json), records its pid
start_dotnet() {
  local name=$1 dll=$2 port=$3
  shift 3
  (
    cd "$(dirname "$dll")"
    exec nice -n "$BENCH_NICE" env "$@" dotnet "$dll" --urls "http://127.0.0.1:$port"
  ) >"$LOG_DIR/$name.log" 2>&1 8>&- &
  PIDS[$name]=$!
}
FLEET_ENV=()
fleet_env() {
  # what deploy/local/fleet.sh gives every app: secrets.env, the pgpass file, Production
  local line
  FLEET_ENV=("PGPASSFILE=$LOCAL_DIR/pgpass" "ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Production}")
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && FLEET_ENV+=("$line")
  done <"$LOCAL_DIR/secrets.env"
}
fleet_env

free_port
UPSTREAM_PORT=$FREE_PORT
# The upstream is the same for every target and should take as little of the 2 cores as it can: workstation GC
# without the background GC thread, and no spinning of idle thread-pool threads (which at partial load cost the
# upstream about twice the CPU per request, taken from whichever proxy runs in front of it, nginx's 2 workers most).
UPSTREAM_ENV=(DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)
log "upstream on 127.0.0.1:$UPSTREAM_PORT (1 KB JSON; ${UPSTREAM_ENV[*]})"
start_dotnet upstream "$UPSTREAM_DLL" "$UPSTREAM_PORT" "${UPSTREAM_ENV[@]}"
wait_ready upstream "http://127.0.0.1:$UPSTREAM_PORT/" "${PIDS[upstream]}" "$LOG_DIR/upstream.log"
UPSTREAM="http://127.0.0.1:$UPSTREAM_PORT/"

free_port
NGINX_PORT=$FREE_PORT
NGINX_PREFIX="$BENCH_DIR/nginx"
mkdir -p "$NGINX_PREFIX/temp"
cat >"$NGINX_PREFIX/nginx.conf" <<EOF
# generated by deploy/bench/gateway.sh: a plain reverse proxy with upstream keep-alive
daemon on;
worker_processes auto;
pid $NGINX_PID_FILE;
error_log $LOG_DIR/nginx-error.log warn;
events {
    worker_connections 4096;
}
http {
    access_log off;
    client_body_temp_path $NGINX_PREFIX/temp/client;
    proxy_temp_path $NGINX_PREFIX/temp/proxy;
    fastcgi_temp_path $NGINX_PREFIX/temp/fastcgi;
    uwsgi_temp_path $NGINX_PREFIX/temp/uwsgi;
    scgi_temp_path $NGINX_PREFIX/temp/scgi;
    # no per-connection request cap on either side (Kestrel and YARP have none): wrk's connections stay open
    keepalive_requests 1000000;
    upstream bench_upstream {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive 128;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://bench_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
log "nginx on 127.0.0.1:$NGINX_PORT ($(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //'), config $NGINX_PREFIX/nginx.conf)"
rm -f "$NGINX_PID_FILE"
nice -n "$BENCH_NICE" /usr/sbin/nginx -p "$NGINX_PREFIX" -e "$LOG_DIR/nginx-error.log" -c "$NGINX_PREFIX/nginx.conf" 8>&- ||
  die_with_log "nginx did not start" "$LOG_DIR/nginx-error.log"
for _ in $(seq 1 50); do [[ -s $NGINX_PID_FILE ]] && break; sleep 0.1; done
[[ -s $NGINX_PID_FILE ]] || die_with_log "nginx wrote no pid file" "$LOG_DIR/nginx-error.log"
wait_ready nginx "http://127.0.0.1:$NGINX_PORT/" "$(cat "$NGINX_PID_FILE")" "$LOG_DIR/nginx-error.log"

free_port
BARE_YARP_PORT=$FREE_PORT
log "bare YARP on 127.0.0.1:$BARE_YARP_PORT (BENCH_GC=$BENCH_GC: ${PROXY_GC_ENV[*]:-runtimeconfig})"
start_dotnet bare-yarp "$BARE_YARP_DLL" "$BARE_YARP_PORT" "${PROXY_GC_ENV[@]}" \
  "ReverseProxy__Clusters__upstream__Destinations__primary__Address=$UPSTREAM"
wait_ready bare-yarp "http://127.0.0.1:$BARE_YARP_PORT/" "${PIDS[bare-yarp]}" "$LOG_DIR/bare-yarp.log"

# Admin verifies the API keys (once a minute per key: the gateway caches the answer)
if [[ -z ${ADMIN_URL:-} ]]; then
  free_port
  ADMIN_URL="http://127.0.0.1:$FREE_PORT/"
  log "Admin on $ADMIN_URL (the same database as the fleet's)"
  start_dotnet admin "$ADMIN_DLL" "$FREE_PORT" "${FLEET_ENV[@]}" "DOTNET_gcServer=${DOTNET_gcServer:-0}"
  wait_ready admin "${ADMIN_URL}health/ready" "${PIDS[admin]}" "$LOG_DIR/admin.log"
else
  ADMIN_URL="${ADMIN_URL%/}/"
  log "Admin at $ADMIN_URL"
fi
# the demo key (every scope) makes the benchmark's own key; seed-demo is what make run does, and idempotent
(cd "$(dirname "$ADMIN_DLL")" && exec env "${FLEET_ENV[@]}" dotnet "$ADMIN_DLL" seed-demo --out "$LOCAL_DIR/demo-key.env" \
  --Logging:LogLevel:Default=Warning) >"$LOG_DIR/seed-demo.log" 2>&1 8>&- || die_with_log "Admin seed-demo failed" "$LOG_DIR/seed-demo.log"
DEMO_API_KEY=$(sed -n 's/^DEMO_API_KEY=//p' "$LOCAL_DIR/demo-key.env")
DEMO_API_SECRET=$(sed -n 's/^DEMO_API_SECRET=//p' "$LOCAL_DIR/demo-key.env")
[[ -n $DEMO_API_KEY && -n $DEMO_API_SECRET ]] || die "no demo key in $LOCAL_DIR/demo-key.env"
# curl reads the credentials from a file (mode 600), so they appear in no process list
DEMO_HEADERS="$BENCH_DIR/demo-headers"
(umask 077 && printf 'api-key: %s\napi-secret: %s\n' "$DEMO_API_KEY" "$DEMO_API_SECRET" >"$DEMO_HEADERS")

free_port
GATEWAY_PORT=$FREE_PORT
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
# (chatbot and evaluator too, only so that their active health checks succeed instead of logging failures)
log "gateway on $GATEWAY_URL (analyzer new and legacy sides -> upstream; BENCH_GC=$BENCH_GC: ${PROXY_GC_ENV[*]:-runtimeconfig}${GATEWAY_ENV:+; GATEWAY_ENV: $GATEWAY_ENV})"
start_dotnet gateway "$GATEWAY_DLL" "$GATEWAY_PORT" "${FLEET_ENV[@]}" "${PROXY_GC_ENV[@]}" \
  "Auth__AdminAddress=$ADMIN_URL" \
  "ReverseProxy__Clusters__admin__Destinations__primary__Address=$ADMIN_URL" \
  "ReverseProxy__Clusters__analyzer__Destinations__primary__Address=$UPSTREAM" \
  "ReverseProxy__Clusters__analyzer-legacy__Destinations__primary__Address=$UPSTREAM" \
  "ReverseProxy__Clusters__chatbot__Destinations__primary__Address=$UPSTREAM" \
  "ReverseProxy__Clusters__evaluator__Destinations__primary__Address=$UPSTREAM" \
  "RateLimiting__DefaultPermitsPerMinute=10000000" "${GATEWAY_EXTRA_ENV[@]}"
wait_ready gateway "$GATEWAY_URL/health/ready" "${PIDS[gateway]}" "$LOG_DIR/gateway.log"

# weight 100 on the analyzer route: every client on the new side (the split still runs: a legacy side is configured)
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
rollout=$(demo_curl -f "$GATEWAY_URL/ops/rollout/$ROUTE") || die "GET /ops/rollout/$ROUTE with the demo key failed (see $LOG_DIR/gateway.log)"
previous_weight=$(json_field weight <<<"$rollout")
if [[ $previous_weight != 100 ]]; then
  demo_curl -f -o /dev/null -X PUT "$GATEWAY_URL/ops/rollout/$ROUTE" -H 'Content-Type: application/json' \
    --data '{"weight": 100, "reason": "make bench-gateway: every benchmark request on the new side"}' ||
    die "PUT /ops/rollout/$ROUTE failed"
  WEIGHT_TO_RESTORE=$previous_weight
  log "analyzer weight $previous_weight -> 100 (restored on exit)"
fi

# the benchmark's own API key: scope analyzer, its own high limit (the demo organisation allows 600 a minute, and a
# key's own limit comes before its organisation's); revoked on exit
created=$(demo_curl -f -X POST "$GATEWAY_URL/api/v1/admin/api-keys" -H 'Content-Type: application/json' \
  --data '{"name": "bench-gateway (deploy/bench/gateway.sh)", "scopes": ["analyzer"], "rate_limit_per_minute": 1000000}') ||
  die "could not create the benchmark's API key through the gateway (see $LOG_DIR/gateway.log)"
BENCH_KEY_ID=$(json_field id <<<"$created")
BENCH_API_KEY=$(json_field api_key <<<"$created")
BENCH_API_SECRET=$(json_field api_secret <<<"$created")
export BENCH_API_KEY BENCH_API_SECRET # read by wrk.lua
log "benchmark API key $BENCH_KEY_ID (scope analyzer, 1,000,000 requests a minute)"

# ---------------------------------------------------------------------------------------------------------------
# every target answers the benchmark's request with 200 before anything is measured
declare -A URLS=(
  [direct]="http://127.0.0.1:$UPSTREAM_PORT$BENCH_PATH"
  [nginx]="http://127.0.0.1:$NGINX_PORT$BENCH_PATH"
  [bare-yarp]="http://127.0.0.1:$BARE_YARP_PORT$BENCH_PATH"
  [gateway]="$GATEWAY_URL$BENCH_PATH"
)
BENCH_HEADERS="$BENCH_DIR/bench-key.env"
(umask 077 && printf 'api-key: %s\napi-secret: %s\n' "$BENCH_API_KEY" "$BENCH_API_SECRET" >"$BENCH_HEADERS")
for target in "${TARGETS[@]}"; do
  out=$(curl -sS --max-time 10 -H "@$BENCH_HEADERS" -D - -o "$BENCH_DIR/body.json" -w '%{http_code} %{size_download}' "${URLS[$target]}") ||
    die "$target: ${URLS[$target]} did not answer"
  read -r code size <<<"$(tail -n 1 <<<"$out")"
  [[ $code == 200 && $size == 1024 ]] || die "$target answered HTTP $code with $size bytes (want 200 with 1024): $(head -c 300 "$BENCH_DIR/body.json")"
  if [[ $target == gateway ]]; then
    served=$(tr -d '\r' <<<"$out" | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: *//p')
    [[ $served == new ]] || die "gateway: X-Served-By is '$served', want 'new'"
    policy=$(tr -d '\r' <<<"$out" | sed -n 's/^[Rr]ate[Ll]imit-[Pp]olicy: *//p')
    if [[ -n $policy ]]; then
      log "gateway: 200, X-Served-By new, RateLimit-Policy $policy"
    else
      log "gateway: 200, X-Served-By new; NOTE: no RateLimit-Policy header, so this gateway build does not rate limit yet"
    fi
  fi
done
rm -f "$BENCH_DIR/body.json"

# ---------------------------------------------------------------------------------------------------------------
# measurements
CLK_TCK=$(getconf CLK_TCK)
# the gateway's rate limiter asks Redis (once per lease of permits): Redis's CPU is part of what the gateway costs
REDIS_PID=""
if [[ -s $LOCAL_DIR/run/redis.pid ]] && proc_alive "$(cat "$LOCAL_DIR/run/redis.pid")"; then REDIS_PID=$(cat "$LOCAL_DIR/run/redis.pid"); fi
# pids whose CPU time counts for a target (nginx: master and workers)
target_pids() {
  case $1 in
    direct) echo "${PIDS[upstream]}" ;;
    nginx)
      local master
      master=$(cat "$NGINX_PID_FILE")
      echo "$master" "$(ps -o pid= --ppid "$master" | tr -s ' \n' ' ')"
      ;;
    *) echo "${PIDS[$1]}" ;;
  esac
}
cpu_ticks() { # user + system ticks of the given pids
  local total=0 pid t
  for pid in "$@"; do
    t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}
# the whole machine's busy and total ticks (/proc/stat: user nice system idle iowait irq softirq steal); interrupts
# count as idle here, since they are mostly the benchmark's own loopback traffic
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
# CPU of this shell's finished children (wrk, once it has been waited for)
children_ticks() { sed 's/.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'; }
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $2"; }
# the gateway's managed allocations so far (its /metrics, runtime instrumentation): bytes per request is a steadier
# measure of its per-request work than RPS on a busy machine
gateway_allocated() {
  local metrics
  metrics=$(curl -sS --max-time 5 "$GATEWAY_URL/metrics" 2>/dev/null) || return 0
  awk '/^dotnet_gc_heap_total_allocated_bytes_total/ && !found { printf "%.0f", $NF + 0; found = 1 }' <<<"$metrics"
}

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS="$BENCH_DIR/gateway-results-$STAMP.tsv"
printf 'round\tconns\ttarget\trps\tp50_us\tp90_us\tp99_us\tmax_us\trequests\tbytes_per_req\tproxy_cpu_us_per_req\tupstream_cpu_us_per_req\tredis_cpu_us_per_req\twrk_cpu_us_per_req\tothers_cpu_pct\tstatus_errors\tsocket_errors\talloc_bytes_per_req\n' >"$RESULTS"
read -ra conn_list <<<"$CONNECTIONS"
runs=$((ROUNDS * ${#conn_list[@]} * ${#TARGETS[@]}))
log "$runs runs of ${DURATION}s after ${WARMUP}s warm-up each, after ${PRIME}s priming per target (about $(((runs * (DURATION + WARMUP) + ${#TARGETS[@]} * PRIME + 59) / 60)) min); results in $RESULTS"
max_conns=$(printf '%s\n' "${conn_list[@]}" | sort -n | tail -n 1)
for target in "${TARGETS[@]}"; do
  nice -n "$BENCH_NICE" wrk -t"$THREADS" -c"$max_conns" -d"${PRIME}s" -s "$HERE/wrk.lua" "${URLS[$target]}" >"$LOG_DIR/wrk-prime-$target.log" 2>&1 8>&- ||
    die_with_log "wrk failed (priming $target)" "$LOG_DIR/wrk-prime-$target.log"
done
FAILED=()
run=0
for round in $(seq 1 "$ROUNDS"); do
  for conns in "${conn_list[@]}"; do
    for target in "${TARGETS[@]}"; do
      run=$((run + 1))
      url=${URLS[$target]}
      nice -n "$BENCH_NICE" wrk -t"$THREADS" -c"$conns" -d"${WARMUP}s" -s "$HERE/wrk.lua" "$url" >"$LOG_DIR/wrk-warmup.log" 2>&1 8>&- ||
        die_with_log "wrk failed (warm-up of $target)" "$LOG_DIR/wrk-warmup.log"
      read -ra pids <<<"$(target_pids "$target")"
      proxy_before=$(cpu_ticks "${pids[@]}")
      upstream_before=$(cpu_ticks "${PIDS[upstream]}")
      wrk_before=$(children_ticks)
      redis_before=0
      [[ -z $REDIS_PID ]] || redis_before=$(cpu_ticks "$REDIS_PID")
      alloc_before=""
      [[ $target != gateway ]] || alloc_before=$(gateway_allocated)
      read -r busy_before total_before <<<"$(machine_ticks)"
      wrk_log="$LOG_DIR/wrk-$round-$conns-$target.log"
      nice -n "$BENCH_NICE" wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --latency -s "$HERE/wrk.lua" "$url" >"$wrk_log" 2>&1 8>&- ||
        die_with_log "wrk failed ($target)" "$wrk_log"
      read -r busy_after total_after <<<"$(machine_ticks)"
      alloc_after=""
      [[ -z $alloc_before ]] || alloc_after=$(gateway_allocated)
      proxy_ticks=$(($(cpu_ticks "${pids[@]}") - proxy_before))
      upstream_ticks=$(($(cpu_ticks "${PIDS[upstream]}") - upstream_before))
      wrk_ticks=$(($(children_ticks) - wrk_before))
      redis_ticks=0
      [[ -z $REDIS_PID ]] || redis_ticks=$(($(cpu_ticks "$REDIS_PID") - redis_before))
      # what everything else on the machine used meanwhile (other builds and tests disturb the figures)
      ours=$((upstream_ticks + wrk_ticks + redis_ticks))
      [[ $target == direct ]] || ours=$((ours + proxy_ticks))
      others_pct=$(awk -v b=$((busy_after - busy_before - ours)) -v t=$((total_after - total_before)) \
        'BEGIN { p = t > 0 ? b / t * 100 : 0; printf "%.1f", p < 0 ? 0 : p }')
      line=$(grep '^BENCH ' "$wrk_log") || die_with_log "no BENCH line from wrk ($target)" "$wrk_log"
      requests=$(field requests "$line")
      ((requests > 0)) || die_with_log "$target: no request completed" "$wrk_log"
      status_errors=$(field status_errors "$line")
      socket_errors=$(($(field connect_errors "$line") + $(field read_errors "$line") + $(field write_errors "$line") + $(field timeouts "$line")))
      proxy_cpu=""
      [[ $target == direct ]] || proxy_cpu=$(awk -v t="$proxy_ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
      upstream_cpu=$(awk -v t="$upstream_ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
      redis_cpu=$(awk -v t="$redis_ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
      wrk_cpu=$(awk -v t="$wrk_ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
      bytes_per_req=$(awk -v b="$(field bytes "$line")" -v n="$requests" 'BEGIN { printf "%.0f", b / n }')
      alloc_per_req=""
      [[ -z $alloc_before || -z $alloc_after ]] || alloc_per_req=$(awk -v a="$alloc_before" -v b="$alloc_after" -v n="$requests" 'BEGIN { printf "%.0f", (b - a) / n }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$conns" "$target" "$(field rps "$line")" \
        "$(field p50_us "$line")" "$(field p90_us "$line")" "$(field p99_us "$line")" "$(field max_us "$line")" "$requests" \
        "$bytes_per_req" "$proxy_cpu" "$upstream_cpu" "$redis_cpu" "$wrk_cpu" "$others_pct" "$status_errors" "$socket_errors" "$alloc_per_req" >>"$RESULTS"
      printf '[bench] %2d/%d round %d, %3d conns, %-9s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  CPU %6s us/req  others %5.1f%%%s%s\n' "$run" "$runs" "$round" "$conns" \
        "$target" "$(field rps "$line")" "$(awk -v u="$(field p50_us "$line")" 'BEGIN { print u / 1000 }')" \
        "$(awk -v u="$(field p99_us "$line")" 'BEGIN { print u / 1000 }')" "${proxy_cpu:--}" "$others_pct" \
        "${alloc_per_req:+  allocated $alloc_per_req B/req}" \
        "$( ((status_errors + socket_errors == 0)) || echo "  ERRORS: $status_errors responses >= 400, $socket_errors socket errors")" >&2
      if ((status_errors + socket_errors > 0)); then
        FAILED+=("$target at $conns connections, round $round: $status_errors responses with status >= 400, $socket_errors socket errors (log $wrk_log)")
      fi
    done
  done
done

# ---------------------------------------------------------------------------------------------------------------
# report
gc_text=${PROXY_GC_ENV[*]:-"each app's runtimeconfig (Server GC)"}
description="wrk $(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n 1), $THREADS threads, ${DURATION} s runs after ${WARMUP} s warm-up (and ${PRIME} s priming per target first), targets in turn per round; \
GET $BENCH_PATH, upstream 1024 B JSON (Kestrel, ${UPSTREAM_ENV[*]}); bare YARP and gateway with $gc_text${GATEWAY_ENV:+, gateway also with $GATEWAY_ENV}; \
nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///'), worker_processes auto; $(nproc) cores, all on one machine"
SUMMARY="$BENCH_DIR/gateway-summary-$STAMP.txt"
python3 "$HERE/summarize.py" "$RESULTS" "$(fold -s -w 116 <<<"$description")" | tee "$SUMMARY"
# the gateway's managed allocations per request (median per connection count), from its own /metrics
python3 - "$RESULTS" <<'PY' | tee -a "$SUMMARY"
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"), delimiter="\t")
        if r["target"] == "gateway" and r.get("alloc_bytes_per_req")]
for conns in sorted({int(r["conns"]) for r in rows}):
    values = [float(r["alloc_bytes_per_req"]) for r in rows if int(r["conns"]) == conns]
    print(f"gateway managed allocations, {conns} conns: {statistics.median(values):.0f} bytes per request (median of {len(values)})")
PY
echo
log "took $(((SECONDS - START_SECONDS) / 60)) min $(((SECONDS - START_SECONDS) % 60)) s; figures per run in $RESULTS"
if ((${#FAILED[@]})); then
  for f in "${FAILED[@]}"; do log "ERROR: $f"; done
  die "the measurement is not valid: a target answered errors"
fi
exit 0
}
