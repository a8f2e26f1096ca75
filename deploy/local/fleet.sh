#!/usr/bin/env bash
# Starts, stops and reports the fleet (gateway + services) as background processes on 127.0.0.1, built by
# `make build`. Logs go to .local/logs/<app>.log, pids to .local/run/<app>.pid. Used by `make run` / `make down`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
CONFIGURATION="${CONFIGURATION:-Release}"
READY_TIMEOUT="${READY_TIMEOUT:-120}"

# name|project directory|assembly|port
APPS=(
  "admin|services/Admin|Admin|${ADMIN_PORT:-8081}"
  "analyzer|services/Analyzer|Analyzer|${ANALYZER_PORT:-8082}"
  "chatbot|services/Chatbot|Chatbot|${CHATBOT_PORT:-8083}"
  "evaluator|services/Evaluator|Evaluator|${EVALUATOR_PORT:-8084}"
  "gateway|gateway|Gateway|${GATEWAY_PORT:-8080}"
  "web|services/Web|Web|${WEB_PORT:-8090}"
)
# FLEET_APPS="admin analyzer gateway": only those apps (a benchmark that needs no more); default every app
if [[ -n ${FLEET_APPS:-} ]]; then
  read -ra only <<<"$FLEET_APPS"
  selected=()
  for entry in "${APPS[@]}"; do
    for name in "${only[@]}"; do [[ $entry == "$name|"* ]] && selected+=("$entry"); done
  done
  APPS=("${selected[@]}")
fi

log() { printf '[fleet] %s\n' "$*"; }

# shellcheck source=deploy/local/proc.sh
. "$ROOT/deploy/local/proc.sh"

pid_alive() { [[ -f "$1" ]] && proc_alive "$(cat "$1")"; }

stop_app() {
  local name="$1" pidfile="$LOCAL_DIR/run/$1.pid"
  if pid_alive "$pidfile"; then
    local pid
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do proc_alive "$pid" || break; sleep 0.1; done
    if proc_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $name"
  fi
  rm -f "$pidfile"
}

start() {
  [[ -f "$LOCAL_DIR/secrets.env" ]] || { echo "No $LOCAL_DIR/secrets.env: run deploy/local/up.sh first." >&2; exit 1; }
  mkdir -p "$LOCAL_DIR/logs" "$LOCAL_DIR/run"
  set -a
  # shellcheck disable=SC1091
  . "$LOCAL_DIR/secrets.env"
  set +a
  export PGPASSFILE="$LOCAL_DIR/pgpass"
  export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
  export DOTNET_gcServer="${DOTNET_gcServer:-0}"
  # Tier-1 JIT promotions start at once instead of after 100 ms without new tier-0 code: a service that keeps meeting
  # new code (queries, message types) otherwise runs its hot paths unoptimised for minutes (make bench-jobs: Analyzer
  # CPU per job 8.2 -> 6.5 ms, 110 -> 135 jobs/s). The runtime reads it only from the environment.
  export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-0}"
  export Prompts__AdminAddress="http://127.0.0.1:${ADMIN_PORT:-8081}/"
  export Auth__AdminAddress="http://127.0.0.1:${ADMIN_PORT:-8081}/"
  export ReverseProxy__Clusters__admin__Destinations__primary__Address="http://127.0.0.1:${ADMIN_PORT:-8081}/"
  export ReverseProxy__Clusters__analyzer__Destinations__primary__Address="http://127.0.0.1:${ANALYZER_PORT:-8082}/"
  export ReverseProxy__Clusters__chatbot__Destinations__primary__Address="http://127.0.0.1:${CHATBOT_PORT:-8083}/"
  export ReverseProxy__Clusters__evaluator__Destinations__primary__Address="http://127.0.0.1:${EVALUATOR_PORT:-8084}/"
  # The Web UI talks only to the gateway; its cookie keys live under .local so a restart keeps people signed in.
  export Web__GatewayAddress="http://127.0.0.1:${GATEWAY_PORT:-8080}/"
  export Web__KeysDirectory="$LOCAL_DIR/web-keys"

  # Services first; the gateway probes its destinations from the start, so it starts once they answer.
  for entry in "${APPS[@]}"; do
    if [[ $entry != gateway\|* ]]; then start_app "$entry"; fi
  done
  wait_ready service
  for entry in "${APPS[@]}"; do
    if [[ $entry == gateway\|* ]]; then start_app "$entry"; fi
  done
  wait_ready gateway
  seed_demo
}

# The demo organisation, admin user and an API key with every scope (idempotent; prints the key and secret).
seed_demo() {
  local dll="$ROOT/services/Admin/bin/$CONFIGURATION/net10.0/Admin.dll"
  (cd "$(dirname "$dll")" && dotnet "$dll" seed-demo --out "$LOCAL_DIR/demo-key.env" \
    --Logging:LogLevel:Default=Warning) || { echo "Seeding the demo organisation failed." >&2; exit 1; }
}

start_app() {
  local name dir assembly port
  IFS='|' read -r name dir assembly port <<<"$1"
  stop_app "$name"
  local dll="$ROOT/$dir/bin/$CONFIGURATION/net10.0/$assembly.dll"
  [[ -f "$dll" ]] || { echo "$dll is not built: run make build." >&2; exit 1; }
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port (for $name) is already in use by another process." >&2
    exit 1
  fi
  # The Analyzer runs without tiered compilation (Analyzer.csproj), so the framework's precompiled (ReadyToRun) code
  # would never be replaced by optimised JIT code: it is JIT-compiled once, fully optimised, instead (about 2 s more
  # start-up; make bench-jobs: workers 4.3 -> 3.1 ms of CPU per job). The runtime reads this only from the environment.
  local -a app_env=()
  if [[ $name == analyzer ]]; then app_env+=("DOTNET_ReadyToRun=${DOTNET_ReadyToRun:-0}"); fi
  (cd "$(dirname "$dll")" && exec env "${app_env[@]}" nohup dotnet "$dll" --urls "http://127.0.0.1:$port" >"$LOCAL_DIR/logs/$name.log" 2>&1) &
  echo $! >"$LOCAL_DIR/run/$name.pid"
  log "started $name on :$port (pid $!, log .local/logs/$name.log)"
}

# wait_ready service|gateway: until each of those apps answers /health/ready
wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  for entry in "${APPS[@]}"; do
    IFS='|' read -r name _ _ port <<<"$entry"
    if [[ $1 == gateway ]]; then [[ $name == gateway ]] || continue; else [[ $name != gateway ]] || continue; fi
    until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
      if ! pid_alive "$LOCAL_DIR/run/$name.pid"; then
        echo "$name exited during start; the end of its log:" >&2
        tail -n 30 "$LOCAL_DIR/logs/$name.log" >&2
        exit 1
      fi
      if ((SECONDS > deadline)); then
        echo "$name was not ready within ${READY_TIMEOUT}s; the end of its log:" >&2
        tail -n 30 "$LOCAL_DIR/logs/$name.log" >&2
        exit 1
      fi
      sleep 0.5
    done
    log "$name ready"
  done
}

stop() {
  for entry in "${APPS[@]}"; do
    IFS='|' read -r name _ _ _ <<<"$entry"
    stop_app "$name"
  done
}

status() {
  for entry in "${APPS[@]}"; do
    IFS='|' read -r name _ _ port <<<"$entry"
    if pid_alive "$LOCAL_DIR/run/$name.pid"; then
      printf '%-10s running  http://127.0.0.1:%s  ready=%s\n' "$name" "$port" \
        "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    else
      printf '%-10s stopped\n' "$name"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
