#!/usr/bin/env bash
# Stops what deploy/local/up.sh started from $LOCAL_DIR (default <repo>/.local): PostgreSQL, RabbitMQ (and epmd
# when no other Erlang node uses it) and Redis. Harmless when nothing is running. Never deletes data, except with
# --purge, which removes all of $LOCAL_DIR (data, logs, secrets.env, pgpass) after stopping. Needs root.
set -euo pipefail

usage() { echo "usage: $0 [--purge]"; }
PURGE=0
for arg in "$@"; do
    case $arg in
    --purge) PURGE=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
PGBIN=/usr/lib/postgresql/15/bin
START_NS=$(date +%s%N)

log() { printf '[down] %s\n' "$*"; }
warn() { printf '[down] WARNING: %s\n' "$*" >&2; }
die() {
    printf '[down] ERROR: %s\n' "$*" >&2
    exit 1
}
die_with_logs() {
    local msg=$1 f
    shift
    for f in "$@"; do
        if [[ -s $f ]]; then
            printf '[down] ---- last lines of %s ----\n' "$f" >&2
            tail -n 40 "$f" >&2
        fi
    done
    die "$msg"
}
# proc_alive PID: a live process, not a zombie (PID 1 here may never reap the daemons it inherits)
# shellcheck source=deploy/local/proc.sh
. "$ROOT/deploy/local/proc.sh"
# wait until pid $1 is gone, at most $2 seconds
wait_gone() {
    local deadline=$((SECONDS + $2))
    while proc_alive "$1"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }
# pid from a pid file, if that process is alive
pid_from_file() {
    local pid
    [[ -s $1 ]] || return 1
    pid=$(<"$1")
    [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" && printf '%s' "$pid"
}
elapsed() {
    local ms=$((($(date +%s%N) - START_NS) / 1000000))
    printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100))
}

[[ $(id -u) -eq 0 ]] || die "must run as root (the servers run as the postgres/rabbitmq users)"
if [[ ! -d $LOCAL_DIR ]]; then
    log "nothing to stop: $LOCAL_DIR does not exist"
    exit 0
fi
LOCAL_DIR=$(cd "$LOCAL_DIR" && pwd -P)
looks_like_ours=0
for marker in secrets.env pg rabbitmq redis run .lock; do
    [[ -e $LOCAL_DIR/$marker ]] && looks_like_ours=1
done
exec 9>"$LOCAL_DIR/.lock"
flock -w 300 9 || die "another up.sh/down.sh is running on $LOCAL_DIR (lock $LOCAL_DIR/.lock)"

PGDATA_DIR=$LOCAL_DIR/pg/data
RMQ_DIR=$LOCAL_DIR/rabbitmq
RMQ_ENV_FILE=$RMQ_DIR/env
RMQ_PID_FILE=$LOCAL_DIR/run/rabbitmq.pid
REDIS_DIR=$LOCAL_DIR/redis
REDIS_PID_FILE=$LOCAL_DIR/run/redis.pid
PORTS_FILE=$LOCAL_DIR/run/ports.env
summary=()

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL
if [[ -s $PGDATA_DIR/PG_VERSION && -x $PGBIN/pg_ctl ]] &&
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "postgres: stopping"
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 9>&- ||
        die_with_logs "postgres did not stop within 60s" "$LOCAL_DIR/logs/postgres.log"
    summary+=("postgres stopped")
else
    summary+=("postgres was not running")
fi

# ---------------------------------------------------------------------------------------------------------------
# RabbitMQ: only the node whose environment names our mnesia directory
rmq_pid=""
if pid=$(pid_from_file "$RMQ_PID_FILE") &&
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia"; then
    rmq_pid=$pid
fi
if [[ -n $rmq_pid ]]; then
    log "rabbitmq: stopping (pid $rmq_pid)"
    [[ -f $RMQ_ENV_FILE ]] || die "rabbitmq runs but $RMQ_ENV_FILE is missing: stop it with kill $rmq_pid"
    # shellcheck source=/dev/null
    . "$RMQ_ENV_FILE"
    # (the /usr/sbin wrapper runs the CLI as the rabbitmq user, with the same Erlang cookie as the node)
    if ! timeout 60 /usr/sbin/rabbitmqctl stop >"$LOCAL_DIR/logs/rabbitmq-stop.log" 2>&1 9>&-; then
        warn "rabbitmqctl stop failed (see $LOCAL_DIR/logs/rabbitmq-stop.log); sending SIGTERM to $rmq_pid"
        kill -TERM "$rmq_pid" 2>/dev/null || true
    fi
    if ! wait_gone "$rmq_pid" 60; then
        warn "rabbitmq (pid $rmq_pid) still running after 60s; killing it"
        kill -KILL "$rmq_pid" 2>/dev/null || true
        wait_gone "$rmq_pid" 10 || die "could not stop rabbitmq (pid $rmq_pid)"
    fi
    rm -f "$RMQ_PID_FILE"
    summary+=("rabbitmq stopped")
else
    summary+=("rabbitmq was not running")
fi
# epmd: stopped when no Erlang node is registered any more (CLI nodes deregister as they exit, hence the retry)
if [[ -f $RMQ_ENV_FILE ]] && command -v epmd >/dev/null; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        names=$(epmd -names 2>/dev/null) || names=""
        [[ $names == *"up and running"* ]] || break # no epmd
        if ! grep -q '^name ' <<<"$names"; then
            epmd -kill >/dev/null 2>&1 || true
            summary+=("epmd stopped")
            break
        fi
        grep '^name ' <<<"$names" | grep -qv '^name rabbitmqcli' && break # a real node still uses it
        sleep 0.3
    done
    if [[ ${names:-} == *"up and running"* ]] && grep -q '^name ' <<<"$names"; then
        summary+=("epmd left running (used by: $(grep '^name ' <<<"$names" | awk '{print $2}' | paste -sd ' ' -))")
    fi
fi

# ---------------------------------------------------------------------------------------------------------------
# Redis: shut down over its port when its dir is ours, else via the pid file
# (the port up.sh last used, from run/ports.env; else REDIS_PORT; else the default)
redis_port=""
[[ -f $PORTS_FILE ]] && redis_port=$(sed -n 's/^REDIS_PORT=\([0-9][0-9]*\)$/\1/p' "$PORTS_FILE")
redis_port=${redis_port:-${REDIS_PORT:-56379}}
redis_pid=""
if pid=$(pid_from_file "$REDIS_PID_FILE") && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]]; then
    redis_pid=$pid
fi
redis_stopped=0
if port_open "$redis_port" &&
    [[ $(redis-cli -h 127.0.0.1 -p "$redis_port" --raw config get dir 2>/dev/null | sed -n 2p) == "$REDIS_DIR" ]]; then
    log "redis: stopping (port $redis_port)"
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    redis_stopped=1
elif [[ -n $redis_pid ]]; then
    log "redis: stopping (pid $redis_pid)"
    kill -TERM "$redis_pid" 2>/dev/null || true
    redis_stopped=1
fi
if [[ -n $redis_pid ]] && ! wait_gone "$redis_pid" 30; then
    die "redis (pid $redis_pid) did not stop within 30s"
fi
if ((redis_stopped)); then
    for _ in $(seq 1 50); do
        port_open "$redis_port" || break
        sleep 0.2
    done
    rm -f "$REDIS_PID_FILE"
    summary+=("redis stopped")
else
    summary+=("redis was not running")
fi

# MariaDB (deploy/local/mariadb.sh)
"$ROOT/deploy/local/mariadb.sh" down 9>&- && summary+=("mariadb stopped or not running")

# ---------------------------------------------------------------------------------------------------------------
if ((PURGE)); then
    case $LOCAL_DIR in
    / | "$ROOT" | "${HOME:-/}" | /root | /home | /tmp | /var | /usr | /etc)
        die "refusing to purge $LOCAL_DIR"
        ;;
    esac
    ((looks_like_ours)) || die "refusing to purge $LOCAL_DIR: it does not look like a directory made by up.sh"
    rm -rf -- "$LOCAL_DIR"
    summary+=("purged $LOCAL_DIR")
fi
log "down in $(elapsed): $(printf '%s, ' "${summary[@]}" | sed 's/, $//')"
