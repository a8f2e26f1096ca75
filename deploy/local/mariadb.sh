#!/usr/bin/env bash
# The legacy source database for the data migration (services/Migrator) and its tests: MariaDB on loopback,
# data under $LOCAL_DIR/mariadb, started without systemd. deploy/local/up.sh calls `mariadb.sh up` (after it has
# installed the mariadb-server package), deploy/local/down.sh calls `mariadb.sh down`.
#
# Idempotent: when it already runs, `up` only re-applies the TCP user and its password. The user (MARIADB_USER,
# default migrator) and its password are kept in $LOCAL_DIR/secrets.env like the other local secrets; the user may
# create databases (the tests make one legacy database each). Needs root (the server runs as the mysql user).
#
# Environment (defaults): LOCAL_DIR (<repo>/.local)  MARIADB_PORT (53306)  STARTUP_TIMEOUT (60 seconds)
set -euo pipefail

usage() { echo "usage: $0 up|down|status"; }
[[ $# -eq 1 ]] || {
    usage >&2
    exit 2
}
ACTION=$1

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
MARIADB_PORT="${MARIADB_PORT:-53306}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-60}"

log() { printf '[mariadb] %s\n' "$*"; }
die() {
    printf '[mariadb] ERROR: %s\n' "$*" >&2
    exit 1
}
die_with_log() {
    if [[ -s $2 ]]; then
        printf '[mariadb] ---- last lines of %s ----\n' "$2" >&2
        tail -n 40 "$2" >&2
    fi
    die "$1"
}
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }
# shellcheck source=deploy/local/proc.sh
. "$ROOT/deploy/local/proc.sh"

[[ $(id -u) -eq 0 ]] || die "must run as root (the server runs as the mysql user)"
[[ $MARIADB_PORT =~ ^[1-9][0-9]*$ ]] || die "MARIADB_PORT must be a positive number, got '$MARIADB_PORT'"

mkdir -p "$LOCAL_DIR"
LOCAL_DIR=$(cd "$LOCAL_DIR" && pwd -P)
DIR=$LOCAL_DIR/mariadb
DATA=$DIR/data
RUN=$DIR/run
SOCK=$RUN/mariadb.sock
PID_FILE=$RUN/mariadb.pid
LOG=$LOCAL_DIR/logs/mariadb.log
SECRETS_FILE=$LOCAL_DIR/secrets.env

# its own lock (up.sh holds .lock while it calls this script)
exec 8>"$LOCAL_DIR/.mariadb.lock"
flock -w 300 8 || die "another mariadb.sh is running on $LOCAL_DIR"

# the server we started from this directory, if it runs
our_pid() {
    local pid
    [[ -s $PID_FILE ]] || return 1
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == mariadbd ]] && printf '%s' "$pid"
}
as_root_sql() { mariadb --no-defaults --protocol=socket --socket="$SOCK" -u root "$@"; }

case $ACTION in
down)
    if pid=$(our_pid); then
        log "stopping (pid $pid)"
        mariadb-admin --no-defaults --socket="$SOCK" -u root shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do
            proc_alive "$pid" || break
            sleep 0.2
        done
        proc_alive "$pid" && die "mariadb (pid $pid) did not stop within 60s"
        log "stopped"
    else
        log "was not running"
    fi
    exit 0
    ;;
status)
    if pid=$(our_pid); then log "running on 127.0.0.1:$MARIADB_PORT (pid $pid)"; else log "not running"; fi
    exit 0
    ;;
up) ;;
*)
    usage >&2
    exit 2
    ;;
esac

if ! command -v mariadbd >/dev/null || ! command -v mariadb-install-db >/dev/null; then
    die "mariadb-server is not installed: run deploy/local/up.sh (it installs it), or apt-get install mariadb-server"
fi

# secrets: generated once, appended to secrets.env (up.sh keeps lines it does not know)
secret() { [[ -f $SECRETS_FILE ]] && sed -n "s/^$1=//p" "$SECRETS_FILE" | tail -n 1; }
MARIADB_USER=$(secret MARIADB_USER)
MARIADB_PASSWORD=$(secret MARIADB_PASSWORD)
if [[ -z $MARIADB_USER || -z $MARIADB_PASSWORD ]]; then
    MARIADB_USER=${MARIADB_USER:-migrator}
    MARIADB_PASSWORD=${MARIADB_PASSWORD:-$(openssl rand -hex 24)}
    touch "$SECRETS_FILE"
    chmod 600 "$SECRETS_FILE"
    sed -i '/^MARIADB_USER=/d; /^MARIADB_PASSWORD=/d' "$SECRETS_FILE"
    printf 'MARIADB_USER=%s\nMARIADB_PASSWORD=%s\n' "$MARIADB_USER" "$MARIADB_PASSWORD" >>"$SECRETS_FILE"
fi
[[ $MARIADB_USER =~ ^[A-Za-z0-9_]+$ && $MARIADB_PASSWORD =~ ^[A-Za-z0-9._~-]+$ ]] ||
    die "$SECRETS_FILE: MARIADB_USER/MARIADB_PASSWORD must be plain letters and digits (delete the lines to regenerate them)"

install -d -m 755 "$DIR" "$LOCAL_DIR/logs"
install -d -m 750 -o mysql -g mysql "$DATA" "$RUN"
touch "$LOG"
chown mysql:mysql "$LOG"

if pid=$(our_pid); then
    log "already running on 127.0.0.1:$MARIADB_PORT (pid $pid)"
else
    port_open "$MARIADB_PORT" &&
        die "port $MARIADB_PORT is already in use by something not started from $LOCAL_DIR; choose another with MARIADB_PORT=..."
    if [[ ! -d $DATA/mysql ]]; then
        log "initialising $DATA"
        mariadb-install-db --no-defaults --user=mysql --datadir="$DATA" --skip-test-db \
            --auth-root-authentication-method=socket >"$LOCAL_DIR/logs/mariadb-install.log" 2>&1 8>&- ||
            die_with_log "mariadb-install-db failed" "$LOCAL_DIR/logs/mariadb-install.log"
    fi
    log "starting on 127.0.0.1:$MARIADB_PORT"
    rm -f "$PID_FILE"
    # utf8mb4 and a generous packet size: the legacy data has emoji and multi-megabyte texts
    nohup mariadbd --no-defaults --user=mysql --datadir="$DATA" --socket="$SOCK" --port="$MARIADB_PORT" \
        --bind-address=127.0.0.1 --pid-file="$PID_FILE" --log-error="$LOG" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --max-allowed-packet=256M \
        --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --skip-name-resolve \
        >/dev/null 2>&1 </dev/null 8>&- 9>&- &
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    until as_root_sql -e 'SELECT 1' >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die_with_log "mariadb did not start within ${STARTUP_TIMEOUT}s" "$LOG"
        sleep 0.3
    done
fi

# the TCP user (password from stdin, never in argv)
{
    printf "CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY '%s';\n" "$MARIADB_USER" "$MARIADB_PASSWORD"
    printf "ALTER USER '%s'@'127.0.0.1' IDENTIFIED BY '%s';\n" "$MARIADB_USER" "$MARIADB_PASSWORD"
    printf "GRANT ALL PRIVILEGES ON *.* TO '%s'@'127.0.0.1';\n" "$MARIADB_USER"
} | as_root_sql || die "could not set up user $MARIADB_USER"
printf 'MARIADB_PORT=%s\n' "$MARIADB_PORT" >"$RUN/port.env"
log "up: 127.0.0.1:$MARIADB_PORT user $MARIADB_USER (password in $SECRETS_FILE)"
