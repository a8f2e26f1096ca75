#!/usr/bin/env bash
# Brings up the local infrastructure on loopback: PostgreSQL 15, RabbitMQ and Redis.
#
# Idempotent: when everything is already up it only checks that, re-applies roles, passwords, schemas and the
# RabbitMQ user (so they always match .local/secrets.env) and returns within a few seconds.
# Everything lives under $LOCAL_DIR (default <repo>/.local): data, logs, pid files, secrets.env, pgpass.
# Needs root: it installs missing packages and runs the servers as the postgres and rabbitmq users.
# deploy/local/down.sh stops what this script started.
#
# Environment (defaults):
#   LOCAL_DIR (<repo>/.local)  PG_PORT (55432)  PG_DATABASE (platform)  REDIS_PORT (56379)
#   RABBITMQ_PORT (55672)  RABBITMQ_MGMT_PORT (55673; 0 = no management plugin)  RABBITMQ_DIST_PORT (25672)
#   RABBITMQ_NODENAME (rabbit@localhost; give a second checkout running at the same time another name and ports)
#   STARTUP_TIMEOUT (60 seconds per server)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT/.local}"
PG_PORT="${PG_PORT:-55432}"
PG_DATABASE="${PG_DATABASE:-platform}"
RABBITMQ_PORT="${RABBITMQ_PORT:-55672}"
RABBITMQ_MGMT_PORT="${RABBITMQ_MGMT_PORT:-55673}"
RABBITMQ_DIST_PORT="${RABBITMQ_DIST_PORT:-25672}"
RABBITMQ_NODENAME="${RABBITMQ_NODENAME:-rabbit@localhost}"
REDIS_PORT="${REDIS_PORT:-56379}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-60}"

PGBIN=/usr/lib/postgresql/15/bin
PG_ROLES=(admin analyzer chatbot evaluator gateway)
SCHEMAS_SQL="$ROOT/deploy/sql/schemas.sql"
START_NS=$(date +%s%N)

log() { printf '[up] %s\n' "$*"; }
warn() { printf '[up] WARNING: %s\n' "$*" >&2; }
die() {
    printf '[up] ERROR: %s\n' "$*" >&2
    exit 1
}
# die, after showing the end of the given log files
die_with_logs() {
    local msg=$1 f
    shift
    for f in "$@"; do
        if [[ -s $f ]]; then
            printf '[up] ---- last lines of %s ----\n' "$f" >&2
            tail -n 40 "$f" >&2
        fi
    done
    die "$msg"
}

# true when something accepts TCP connections on 127.0.0.1:$1
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }
# what listens on a port (for error messages)
port_owner() {
    local out=""
    if command -v ss >/dev/null; then
        out=$(ss -ltnpH "sport = :$1" 2>/dev/null | awk '{print $4, $6}' | paste -sd ';' -)
    fi
    printf '%s' "${out:-unknown process}"
}
die_port_taken() {
    die "port $1 ($2) is already in use by something not started from $LOCAL_DIR: $(port_owner "$1"). Stop it (e.g. deploy/local/down.sh in the other checkout) or choose another port with $3=..."
}
# run "$@" until it succeeds or $1 seconds have passed
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
elapsed() {
    local ms=$((($(date +%s%N) - START_NS) / 1000000))
    printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100))
}
as_pg() { runuser -u postgres -- "$@"; }
# write stdin to $1 (mode $2) only when the content changed
write_if_changed() {
    local file=$1 mode=$2 tmp
    tmp=$(mktemp "$file.XXXXXX")
    chmod "$mode" "$tmp"
    cat >"$tmp"
    if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
        rm -f "$tmp"
        chmod "$mode" "$file"
        return 1
    fi
    mv -f "$tmp" "$file"
}

# ---------------------------------------------------------------------------------------------------------------
# checks
[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages and runs the servers as the postgres/rabbitmq users)"
for p in PG_PORT RABBITMQ_PORT RABBITMQ_DIST_PORT REDIS_PORT STARTUP_TIMEOUT; do
    [[ ${!p} =~ ^[1-9][0-9]*$ ]] || die "$p must be a positive number, got '${!p}'"
done
[[ $RABBITMQ_MGMT_PORT =~ ^[0-9]+$ ]] || die "RABBITMQ_MGMT_PORT must be a number (0 disables it), got '$RABBITMQ_MGMT_PORT'"
[[ $RABBITMQ_NODENAME =~ ^[A-Za-z0-9_-]+@localhost$ ]] || die "RABBITMQ_NODENAME must look like name@localhost, got '$RABBITMQ_NODENAME'"
[[ $PG_DATABASE =~ ^[a-z_][a-z0-9_]*$ ]] || die "PG_DATABASE must be a plain lower-case identifier, got '$PG_DATABASE'"
[[ -r $SCHEMAS_SQL ]] || die "missing $SCHEMAS_SQL"

mkdir -p "$LOCAL_DIR"
LOCAL_DIR=$(cd "$LOCAL_DIR" && pwd -P)
# the lock fd is closed (9>&-) for every server started below, or the daemons would keep holding the lock
exec 9>"$LOCAL_DIR/.lock"
flock -w 300 9 || die "another up.sh/down.sh is running on $LOCAL_DIR (lock $LOCAL_DIR/.lock)"

PG_DIR=$LOCAL_DIR/pg
PGDATA_DIR=$PG_DIR/data
PG_RUN=$PG_DIR/run
RMQ_DIR=$LOCAL_DIR/rabbitmq
REDIS_DIR=$LOCAL_DIR/redis
LOG_DIR=$LOCAL_DIR/logs
RUN_DIR=$LOCAL_DIR/run
PG_LOG=$LOG_DIR/postgres.log
REDIS_LOG=$LOG_DIR/redis.log
REDIS_PID_FILE=$RUN_DIR/redis.pid
RMQ_PID_FILE=$RUN_DIR/rabbitmq.pid
RMQ_ENV_FILE=$RMQ_DIR/env
RMQ_START_LOG=$LOG_DIR/rabbitmq-start.log
RMQ_LOG=$RMQ_DIR/log/$RABBITMQ_NODENAME.log

# ---------------------------------------------------------------------------------------------------------------
# packages
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_BACKUP="$POLICY_RC.up-sh-backup"
POLICY_INSTALLED=0
restore_policy_rc() {
    if ((POLICY_INSTALLED)); then
        if [[ -e $POLICY_BACKUP ]]; then mv -f "$POLICY_BACKUP" "$POLICY_RC"; else rm -f "$POLICY_RC"; fi
        POLICY_INSTALLED=0
    fi
}
trap restore_policy_rc EXIT
trap 'exit 130' INT TERM

pkg_installed() {
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's format, not a shell expansion
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}
# "addr:port pid" of listeners on the default ports of the packages we install
default_port_listeners() {
    command -v ss >/dev/null || return 0
    ss -ltnpH 2>/dev/null |
        awk '$4 ~ /:(5432|5672|6379|4369|15672|25672)$/ { print $4, $6 }' |
        sed -E 's/users:.*pid=([0-9]+).*/\1/' | sort -u
}

missing=()
pkg_installed rabbitmq-server || missing+=(rabbitmq-server)
pkg_installed redis-server || missing+=(redis-server)
[[ -x $PGBIN/pg_ctl ]] || missing+=(postgresql-15)
command -v openssl >/dev/null || missing+=(openssl)
# the legacy MySQL/MariaDB source of the data migration (deploy/local/mariadb.sh, services/Migrator)
pkg_installed mariadb-server || missing+=(mariadb-server)
# the browser tests (tests/BrowserTests) drive Debian's chromium; Playwright never downloads a browser
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
    APT_LOG=$LOG_DIR/apt.log
    mkdir -p "$LOG_DIR"
    log "installing ${missing[*]} (log: $APT_LOG)"
    before=$(default_port_listeners)
    # Debian maintainer scripts start services through invoke-rc.d; without systemd that would start (or fail to
    # start) system-wide instances on the default ports. policy-rc.d exit 101 = "action forbidden".
    # (a backup left by an interrupted run already holds the original: keep it)
    if [[ -e $POLICY_RC && ! -e $POLICY_BACKUP ]] && ! grep -q 'deploy/local/up.sh' "$POLICY_RC"; then
        cp -p "$POLICY_RC" "$POLICY_BACKUP"
    fi
    POLICY_INSTALLED=1
    printf '#!/bin/sh\n# temporary, written by deploy/local/up.sh while installing packages\nexit 101\n' >"$POLICY_RC"
    chmod 755 "$POLICY_RC"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    {
        apt-get "${apt_opts[@]}" update &&
            apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"
    } >"$APT_LOG" 2>&1 9>&- || die_with_logs "apt-get install ${missing[*]} failed" "$APT_LOG"
    restore_policy_rc
    # anything that the install started anyway on a default port is stopped again
    after=$(default_port_listeners)
    while read -r addr pid; do
        [[ -n ${pid:-} && $pid =~ ^[0-9]+$ ]] || continue
        warn "the package install started a system-wide server on $addr (pid $pid); stopping it"
        kill "$pid" 2>/dev/null || true
    done < <(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
fi

# ---------------------------------------------------------------------------------------------------------------
# directories
install -d -m 755 "$LOCAL_DIR" "$PG_DIR" "$RMQ_DIR" "$LOG_DIR"
install -d -m 700 -o postgres -g postgres "$PGDATA_DIR" "$PG_RUN"
install -d -m 750 -o rabbitmq -g rabbitmq "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
install -d -m 775 -o root -g rabbitmq "$RUN_DIR"
install -d -m 700 "$REDIS_DIR"
runuser -u postgres -- test -w "$PGDATA_DIR" ||
    die "the postgres user cannot write $PGDATA_DIR: every directory above $LOCAL_DIR must be traversable by others (chmod o+x), or set LOCAL_DIR elsewhere"
runuser -u rabbitmq -- test -w "$RMQ_DIR/mnesia" ||
    die "the rabbitmq user cannot write $RMQ_DIR/mnesia: every directory above $LOCAL_DIR must be traversable by others (chmod o+x), or set LOCAL_DIR elsewhere"

# ---------------------------------------------------------------------------------------------------------------
# secrets: generated once, kept across runs; only missing values are generated
SECRETS_FILE=$LOCAL_DIR/secrets.env
PGPASS_FILE=$LOCAL_DIR/pgpass
declare -A SECRET=()
declare -a EXTRA_LINES=()
KNOWN_KEYS=" PG_SUPERUSER_PASSWORD PG_PASSWORD_ADMIN PG_PASSWORD_ANALYZER PG_PASSWORD_CHATBOT PG_PASSWORD_EVALUATOR PG_PASSWORD_GATEWAY RABBITMQ_USER RABBITMQ_PASSWORD ConnectionStrings__RabbitMq ConnectionStrings__Redis Identity__SigningSecret ApiKeys__Pepper Jobs__WebhookSecret "
if [[ -f $SECRETS_FILE ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] && [[ $KNOWN_KEYS == *" ${BASH_REMATCH[1]} "* ]]; then
            value=${BASH_REMATCH[2]}
            value=${value%\"} value=${value#\"} value=${value%\'} value=${value#\'}
            SECRET[${BASH_REMATCH[1]}]=$value
        elif [[ -n $line && $line != "# "* ]]; then
            EXTRA_LINES+=("$line") # keep lines someone added by hand
        fi
    done <"$SECRETS_FILE"
fi
new_secret() { [[ -n ${SECRET[$1]:-} ]] || SECRET[$1]=$(openssl rand -hex "$2"); }
new_secret PG_SUPERUSER_PASSWORD 24
for role in "${PG_ROLES[@]}"; do new_secret "PG_PASSWORD_${role^^}" 24; done
SECRET[RABBITMQ_USER]=${SECRET[RABBITMQ_USER]:-platform}
new_secret RABBITMQ_PASSWORD 24
new_secret Identity__SigningSecret 32
new_secret ApiKeys__Pepper 32
new_secret Jobs__WebhookSecret 32
for key in "${!SECRET[@]}"; do
    [[ $key == ConnectionStrings__* ]] && continue # derived below
    [[ ${SECRET[$key]} =~ ^[A-Za-z0-9._~-]+$ ]] ||
        die "$SECRETS_FILE: $key must contain only letters, digits and . _ ~ - (delete the line to regenerate it)"
done
SECRET[ConnectionStrings__RabbitMq]="amqp://${SECRET[RABBITMQ_USER]}:${SECRET[RABBITMQ_PASSWORD]}@127.0.0.1:$RABBITMQ_PORT/"
SECRET[ConnectionStrings__Redis]="127.0.0.1:$REDIS_PORT"
{
    echo "# local development secrets, generated by deploy/local/up.sh (kept across runs; delete a line to regenerate it)"
    for key in $KNOWN_KEYS; do printf '%s=%s\n' "$key" "${SECRET[$key]}"; done
    if ((${#EXTRA_LINES[@]})); then printf '%s\n' "${EXTRA_LINES[@]}"; fi
} | write_if_changed "$SECRETS_FILE" 600 || true
{
    printf '127.0.0.1:%s:*:postgres:%s\n' "$PG_PORT" "${SECRET[PG_SUPERUSER_PASSWORD]}"
    for role in "${PG_ROLES[@]}"; do
        key="PG_PASSWORD_${role^^}"
        printf '127.0.0.1:%s:*:%s:%s\n' "$PG_PORT" "$role" "${SECRET[$key]}"
    done
} | write_if_changed "$PGPASS_FILE" 600 || true

# ---------------------------------------------------------------------------------------------------------------
# preflight: find out what already runs from this $LOCAL_DIR, and fail before starting anything when a port is
# taken by something else (another checkout's servers, a system-wide instance)
redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
# true when the pid file names a live node started with our mnesia directory
rabbit_is_ours() {
    local pid
    [[ -s $RMQ_PID_FILE ]] || return 1
    pid=$(<"$RMQ_PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/environ ]] || return 1
    tr '\0' '\n' <"/proc/$pid/environ" | grep -qxF "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia"
}

pg_running=0
if [[ -s $PGDATA_DIR/PG_VERSION ]] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    pg_running=1
    running_port=$(sed -n 4p "$PGDATA_DIR/postmaster.pid")
    [[ $running_port == "$PG_PORT" ]] ||
        die "our postgres is already running on port $running_port, not PG_PORT=$PG_PORT: run deploy/local/down.sh first"
elif port_open "$PG_PORT"; then
    die_port_taken "$PG_PORT" postgres PG_PORT
fi

rmq_running=0
if rabbit_is_ours; then
    rmq_running=1
else
    port_open "$RABBITMQ_PORT" && die_port_taken "$RABBITMQ_PORT" "rabbitmq amqp" RABBITMQ_PORT
    port_open "$RABBITMQ_DIST_PORT" && die_port_taken "$RABBITMQ_DIST_PORT" "rabbitmq distribution" RABBITMQ_DIST_PORT
    if ((RABBITMQ_MGMT_PORT)) && port_open "$RABBITMQ_MGMT_PORT"; then
        die_port_taken "$RABBITMQ_MGMT_PORT" "rabbitmq management" RABBITMQ_MGMT_PORT
    fi
    if command -v epmd >/dev/null && epmd -names 2>/dev/null | grep -q "^name ${RABBITMQ_NODENAME%@*} at"; then
        die "another Erlang node named $RABBITMQ_NODENAME is registered with epmd (another checkout or a system RabbitMQ?); stop it, or set RABBITMQ_NODENAME (and other ports) for this one"
    fi
fi

redis_running=0
if port_open "$REDIS_PORT"; then
    redis_dir=$(redis_cli --raw config get dir 2>/dev/null | sed -n 2p) || true
    [[ $redis_dir == "$REDIS_DIR" ]] || die_port_taken "$REDIS_PORT" redis REDIS_PORT
    redis_running=1
fi

# ports in use, for down.sh and other tooling
printf 'PG_PORT=%s\nPG_DATABASE=%s\nRABBITMQ_PORT=%s\nRABBITMQ_MGMT_PORT=%s\nRABBITMQ_DIST_PORT=%s\nREDIS_PORT=%s\n' \
    "$PG_PORT" "$PG_DATABASE" "$RABBITMQ_PORT" "$RABBITMQ_MGMT_PORT" "$RABBITMQ_DIST_PORT" "$REDIS_PORT" |
    write_if_changed "$RUN_DIR/ports.env" 644 || true

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL
sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }

if [[ ! -s $PGDATA_DIR/PG_VERSION ]]; then
    log "postgres: initialising $PGDATA_DIR"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1 ||
        die_with_logs "initdb failed" "$LOG_DIR/initdb.log"
fi
# port, address and socket directory live in an included file, so a plain `pg_ctl -D ... start` works too
grep -q "^include_if_exists = 'local.conf'" "$PGDATA_DIR/postgresql.conf" ||
    printf "\n# added by deploy/local/up.sh\ninclude_if_exists = 'local.conf'\n" >>"$PGDATA_DIR/postgresql.conf"
# (max_connections: a test run starts the whole fleet plus test hosts, each with its own pool)
printf "# written by deploy/local/up.sh on every run\nport = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = %s\nmax_connections = %s\n" \
    "$PG_PORT" "$(sql_literal "$PG_RUN")" "${PG_MAX_CONNECTIONS:-400}" | write_if_changed "$PGDATA_DIR/local.conf" 600 || true
chown postgres:postgres "$PGDATA_DIR/local.conf"

if ((pg_running)); then
    log "postgres: already running on 127.0.0.1:$PG_PORT"
else
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$STARTUP_TIMEOUT" start >/dev/null 2>&1 9>&- ||
        die_with_logs "postgres did not start within ${STARTUP_TIMEOUT}s" "$PG_LOG"
fi
wait_until "$STARTUP_TIMEOUT" "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" ||
    die_with_logs "postgres does not answer on 127.0.0.1:$PG_PORT after ${STARTUP_TIMEOUT}s" "$PG_LOG"

# roles, passwords, database and schemas in one psql session over the trusted local socket
pg_setup_sql() {
    echo "SET client_min_messages = warning;"
    echo "ALTER ROLE postgres PASSWORD $(sql_literal "${SECRET[PG_SUPERUSER_PASSWORD]}");"
    for role in "${PG_ROLES[@]}"; do
        key="PG_PASSWORD_${role^^}"
        echo "SELECT 'CREATE ROLE \"$role\"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role')"
        echo '\gexec'
        echo "ALTER ROLE \"$role\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD $(sql_literal "${SECRET[$key]}");"
    done
    echo "SELECT 'CREATE DATABASE \"$PG_DATABASE\"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE')"
    echo '\gexec'
    echo "\\connect $PG_DATABASE"
    echo "SET client_min_messages = warning;"
    cat "$SCHEMAS_SQL"
}
if ! psql_err=$(pg_setup_sql | as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U postgres -d postgres 2>&1 >/dev/null); then
    die "postgres: setting up roles, database $PG_DATABASE and schemas failed: $psql_err"
fi
log "postgres: roles ${PG_ROLES[*]}, database $PG_DATABASE and schemas are in place"

# ---------------------------------------------------------------------------------------------------------------
# RabbitMQ (the Debian wrappers in /usr/sbin run the server and rabbitmqctl as the rabbitmq user when called as
# root, so both use /var/lib/rabbitmq/.erlang.cookie and agree on the cookie)
# (always /usr/sbin/rabbitmqctl, never /usr/lib/rabbitmq/bin/rabbitmqctl directly: that one, run as root, would use
# a different cookie in /root; the lock fd is closed in case the CLI has to spawn epmd)
rabbitmqctl() { /usr/sbin/rabbitmqctl "$@" 9>&-; }
if ((RABBITMQ_MGMT_PORT)); then plugins='[rabbitmq_management].'; else plugins='[].'; fi
printf '%s\n' "$plugins" | write_if_changed "$RMQ_DIR/enabled_plugins" 644 && plugins_changed=1 || plugins_changed=0
{
    echo "# written by deploy/local/up.sh on every run"
    if ((RABBITMQ_MGMT_PORT)); then
        echo "management.tcp.ip = 127.0.0.1"
        echo "management.tcp.port = $RABBITMQ_MGMT_PORT"
    fi
    # used only when the node boots with an empty database: no guest/guest user, ours instead
    echo "default_user = ${SECRET[RABBITMQ_USER]}"
    echo "default_pass = ${SECRET[RABBITMQ_PASSWORD]}"
    echo "default_user_tags.administrator = true"
    echo "default_permissions.configure = .*"
    echo "default_permissions.read = .*"
    echo "default_permissions.write = .*"
} | write_if_changed "$RMQ_DIR/rabbitmq.conf" 640 || true
chgrp rabbitmq "$RMQ_DIR/rabbitmq.conf"
# an empty env file of our own, so /etc/rabbitmq/rabbitmq-env.conf cannot change the node
[[ -f $RMQ_DIR/rabbitmq-env.conf ]] || echo "# intentionally empty (deploy/local/up.sh)" >"$RMQ_DIR/rabbitmq-env.conf"
{
    echo "# environment for rabbitmq-server/rabbitmqctl on the local node; written by deploy/local/up.sh"
    echo "# usage (as root): . $RMQ_ENV_FILE && rabbitmqctl status"
    printf 'export %s=%q\n' \
        RABBITMQ_NODENAME "$RABBITMQ_NODENAME" \
        RABBITMQ_NODE_IP_ADDRESS 127.0.0.1 \
        RABBITMQ_NODE_PORT "$RABBITMQ_PORT" \
        RABBITMQ_DIST_PORT "$RABBITMQ_DIST_PORT" \
        ERL_EPMD_ADDRESS 127.0.0.1 \
        RABBITMQ_MNESIA_BASE "$RMQ_DIR/mnesia" \
        RABBITMQ_LOG_BASE "$RMQ_DIR/log" \
        RABBITMQ_PID_FILE "$RMQ_PID_FILE" \
        RABBITMQ_CONFIG_FILE "$RMQ_DIR/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE "$RMQ_DIR/advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE "$RMQ_DIR/enabled_plugins" \
        RABBITMQ_CONF_ENV_FILE "$RMQ_DIR/rabbitmq-env.conf" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS "-kernel inet_dist_use_interface {127,0,0,1}" \
        RABBITMQ_CTL_ERL_ARGS "-kernel inet_dist_use_interface {127,0,0,1}"
} | write_if_changed "$RMQ_ENV_FILE" 644 || true
# shellcheck source=/dev/null
. "$RMQ_ENV_FILE"

if ((rmq_running)); then
    log "rabbitmq: already running on 127.0.0.1:$RABBITMQ_PORT"
    ((plugins_changed == 0)) ||
        warn "rabbitmq: the plugin list changed; restart the node (down.sh, up.sh) to apply it"
else
    log "rabbitmq: starting on 127.0.0.1:$RABBITMQ_PORT"
    rm -f "$RMQ_PID_FILE"
    /usr/sbin/rabbitmq-server -detached >"$RMQ_START_LOG" 2>&1 9>&- ||
        die_with_logs "rabbitmq-server -detached failed" "$RMQ_START_LOG" "$RMQ_LOG"
    # waits for the pid file, then for the broker application; fails early if the process dies
    timeout "$((STARTUP_TIMEOUT + 10))" /usr/sbin/rabbitmqctl wait --timeout "$((STARTUP_TIMEOUT * 1000))" "$RMQ_PID_FILE" \
        >>"$RMQ_START_LOG" 2>&1 9>&- ||
        die_with_logs "rabbitmq did not start within ${STARTUP_TIMEOUT}s" "$RMQ_START_LOG" "$RMQ_LOG"
fi
# the user, its password and permissions, in one rabbitmqctl call (definitions arrive on stdin, never in argv)
# (vhost platform-test is for tests run by hand with TEST_RABBIT_VHOST; every test run otherwise makes a vhost of its
# own, named like its database, so fleets running at the same time never take each other's messages)
printf '{"users":[{"name":"%s","password":"%s","tags":["administrator"]}],"vhosts":[{"name":"/"},{"name":"platform-test"}],"permissions":[{"user":"%s","vhost":"/","configure":".*","write":".*","read":".*"},{"user":"%s","vhost":"platform-test","configure":".*","write":".*","read":".*"}]}\n' \
    "${SECRET[RABBITMQ_USER]}" "${SECRET[RABBITMQ_PASSWORD]}" "${SECRET[RABBITMQ_USER]}" "${SECRET[RABBITMQ_USER]}" |
    rabbitmqctl import_definitions --format json >"$LOG_DIR/rabbitmq-definitions.log" 2>&1 ||
    die_with_logs "rabbitmq: could not set up user ${SECRET[RABBITMQ_USER]}" "$LOG_DIR/rabbitmq-definitions.log" "$RMQ_LOG"
log "rabbitmq: user ${SECRET[RABBITMQ_USER]} has full permissions on vhosts / and platform-test"

# ---------------------------------------------------------------------------------------------------------------
# Redis
redis_pong() { [[ $(redis_cli ping 2>/dev/null) == PONG ]]; }
if ((redis_running)); then
    log "redis: already running on 127.0.0.1:$REDIS_PORT"
else
    log "redis: starting on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$REDIS_DIR" \
        --pidfile "$REDIS_PID_FILE" --logfile "$REDIS_LOG" --save '' --appendonly no >/dev/null 2>&1 9>&- ||
        die_with_logs "redis-server failed to start" "$REDIS_LOG"
fi
wait_until "$STARTUP_TIMEOUT" redis_pong ||
    die_with_logs "redis does not answer PING on 127.0.0.1:$REDIS_PORT after ${STARTUP_TIMEOUT}s" "$REDIS_LOG"

# MariaDB, the legacy source for services/Migrator and its tests
"$ROOT/deploy/local/mariadb.sh" up 9>&- || die "mariadb: deploy/local/mariadb.sh up failed"

# ---------------------------------------------------------------------------------------------------------------
mgmt=""
((RABBITMQ_MGMT_PORT == 0)) || mgmt=" (management http://127.0.0.1:$RABBITMQ_MGMT_PORT/)"
log "up in $(elapsed): postgres 127.0.0.1:$PG_PORT db $PG_DATABASE, rabbitmq 127.0.0.1:$RABBITMQ_PORT$mgmt, redis 127.0.0.1:$REDIS_PORT; secrets in $SECRETS_FILE, PGPASSFILE=$PGPASS_FILE"
