# shellcheck shell=bash
# What the benchmark scripts (deploy/bench/*.sh) share; sourced, not run. Expects ROOT, LOCAL_DIR, BENCH_DIR and
# CONFIGURATION set; BENCH_TAG (default "bench") prefixes the messages.
#
#   log / die / die_with_log MSG FILE        messages on stderr; die exits 1 (with FILE's last lines)
#   proc_alive PID / stop_pid PID [SIGNAL]   a live (not zombie) process / TERM (or SIGNAL), then KILL after 10 s
#   bench_fleet_up LOG                       starts deploy/local/fleet.sh (FLEET_APPS) unless all of it runs; sets FLEET_STARTED
#   bench_demo_key                           the demo key (DEMO_API_KEY, DEMO_ORG_ID, ...) and DEMO_HEADERS, a curl header file
#   demo_curl ARGS...                        curl with the demo key (DEMO_CURL_TIMEOUT seconds, default 15)
#   demo_curl_patient ARGS...                that, but a 429 is waited out (Retry-After, up to 75 s in all) and retried:
#                                            a benchmark run right after another finds the demo key's minute used up
#   bench_raise_rate_limit RPM PROBE_URL     the demo organisation's requests_per_minute -> RPM (restored by bench_cleanup),
#                                            then waits until the gateway's RateLimit-Policy on PROBE_URL shows it
#   bench_restore_rate_limit                 puts the demo organisation's settings back (if raised)
#   bench_cleanup                            that, then stops the fleet if bench_fleet_up started it and removes DEMO_HEADERS;
#                                            call it from the script's EXIT trap

FLEET_STARTED=0
RPM_TO_RESTORE="" # the organisation's settings object as it was (JSON), when it was changed
DEMO_HEADERS=""

log() { printf '[%s] %s\n' "${BENCH_TAG:-bench}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${BENCH_TAG:-bench}" "$*" >&2
  exit 1
}
die_with_log() {
  local msg=$1 file=$2
  if [[ -s $file ]]; then
    printf '[%s] ---- last lines of %s ----\n' "${BENCH_TAG:-bench}" "$file" >&2
    tail -n 30 "$file" >&2
  fi
  die "$msg"
}

# shellcheck source=deploy/local/proc.sh
. "$ROOT/deploy/local/proc.sh"

stop_pid() {
  local pid=$1 signal=${2:-TERM}
  proc_alive "$pid" || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    proc_alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

bench_fleet_up() {
  local fleet_log=$1 fleet_status
  fleet_status=$("$ROOT/deploy/local/fleet.sh" status)
  if [[ $(grep -c 'running .*ready=200' <<<"$fleet_status") == "$(grep -c . <<<"$fleet_status")" ]]; then
    log "the fleet is running (left running at the end)"
    return 0
  fi
  log "the fleet is not (fully) running: starting it (CONFIGURATION=$CONFIGURATION deploy/local/fleet.sh start; stopped again at the end)"
  FLEET_STARTED=1
  CONFIGURATION=$CONFIGURATION "$ROOT/deploy/local/fleet.sh" start >"$fleet_log" 2>&1 ||
    die_with_log "deploy/local/fleet.sh start failed" "$fleet_log"
}

bench_demo_key() {
  [[ -f $LOCAL_DIR/demo-key.env ]] || die "no $LOCAL_DIR/demo-key.env (deploy/local/fleet.sh start seeds it)"
  set -a
  # shellcheck disable=SC1091
  . "$LOCAL_DIR/demo-key.env"
  set +a
  [[ -n ${DEMO_API_KEY:-} && -n ${DEMO_API_SECRET:-} && -n ${DEMO_ORG_ID:-} ]] ||
    die "$LOCAL_DIR/demo-key.env lacks DEMO_API_KEY, DEMO_API_SECRET or DEMO_ORG_ID"
  DEMO_HEADERS=$(mktemp "$BENCH_DIR/.demo-key.XXXXXX")
  printf 'api-key: %s\napi-secret: %s\n' "$DEMO_API_KEY" "$DEMO_API_SECRET" >"$DEMO_HEADERS"
}

demo_curl() { curl -sS --max-time "${DEMO_CURL_TIMEOUT:-15}" -H "@$DEMO_HEADERS" "$@"; }

# Prints the body on stdout as curl -f would (callers pass -f, -o, -X, --data...); a 429 is retried after Retry-After.
demo_curl_patient() {
  local headers status wait deadline=$((SECONDS + 75)) noted=0
  headers=$(mktemp)
  while true; do
    if demo_curl -D "$headers" "$@"; then
      rm -f "$headers"
      return 0
    fi
    status=$(sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$headers" | tail -n 1)
    if [[ $status != 429 ]] || ((SECONDS >= deadline)); then
      rm -f "$headers"
      return 1
    fi
    wait=$(tr -d '\r' <"$headers" | sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' | tail -n 1)
    [[ $wait =~ ^[0-9]+$ ]] && ((wait >= 1 && wait <= 60)) || wait=5
    if ((!noted)); then
      log "the demo key's rate limit is used up (an earlier run?): waiting ${wait} s (Retry-After) and retrying"
      noted=1
    fi
    sleep "$wait"
  done
}

bench_raise_rate_limit() {
  local rpm=$1 probe=$2 org settings raised quota deadline
  org=$(demo_curl_patient -f "$GATEWAY_URL/api/v1/admin/organizations/$DEMO_ORG_ID") ||
    die "GET /api/v1/admin/organizations/$DEMO_ORG_ID through the gateway failed"
  settings=$(python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin).get("settings") or {}))' <<<"$org")
  raised=$(python3 -c 'import json, sys; s = json.loads(sys.argv[1]); s["requests_per_minute"] = int(sys.argv[2]); print(json.dumps(s))' "$settings" "$rpm")
  demo_curl_patient -f -o /dev/null -X PUT "$GATEWAY_URL/api/v1/admin/organizations/$DEMO_ORG_ID" -H 'Content-Type: application/json' \
    --data "{\"settings\": $raised}" || die "PUT /api/v1/admin/organizations/$DEMO_ORG_ID failed"
  RPM_TO_RESTORE=$settings
  log "demo organisation requests_per_minute -> $rpm (was: $settings; restored on exit)"
  # the gateway caches a verified key with its organisation's limit for up to 60 s: wait until the new quota shows
  deadline=$((SECONDS + 75))
  while true; do
    quota=$(demo_curl -o /dev/null -D - "$probe" | tr -d '\r' | sed -n 's/^[Rr]ate[Ll]imit-[Pp]olicy:.*q=\([0-9]*\).*/\1/p' | head -n 1)
    [[ $quota == "$rpm" ]] && break
    if [[ -z $quota ]]; then
      log "NOTE: the gateway sends no RateLimit-Policy header; going on without waiting for the new limit"
      break
    fi
    ((SECONDS < deadline)) || die "the gateway still shows a quota of $quota a minute after 75 s (key cache)"
    sleep 2
  done
  log "gateway quota for the demo key: ${quota:-unknown} requests a minute"
}

bench_restore_rate_limit() {
  if [[ -n $RPM_TO_RESTORE ]]; then
    if demo_curl -f -o /dev/null -X PUT "$GATEWAY_URL/api/v1/admin/organizations/$DEMO_ORG_ID" \
      -H 'Content-Type: application/json' --data "{\"settings\": $RPM_TO_RESTORE}"; then
      log "demo organisation settings restored: $RPM_TO_RESTORE"
    else
      log "WARNING: could not restore the demo organisation's settings; put them back with: PUT /api/v1/admin/organizations/$DEMO_ORG_ID {\"settings\": $RPM_TO_RESTORE}"
    fi
    RPM_TO_RESTORE=""
  fi
}

bench_cleanup() {
  bench_restore_rate_limit
  if ((FLEET_STARTED)); then
    log "stopping the fleet (this script started it)"
    "$ROOT/deploy/local/fleet.sh" stop >&2 || true
    FLEET_STARTED=0
  fi
  if [[ -n $DEMO_HEADERS ]]; then
    rm -f "$DEMO_HEADERS"
    DEMO_HEADERS=""
  fi
}
