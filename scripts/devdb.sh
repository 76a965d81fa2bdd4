#!/usr/bin/env bash
# devdb.sh - private PostgreSQL cluster for `make run` / `make test` when no
# DATABASE_URL is set. Usage: scripts/devdb.sh prepare|start|stop|status|url|destroy
# `start` prints only the connection URL on stdout; everything else goes to stderr.
# This script alone creates ./.hookd/ and sets its permissions (`prepare`, which
# every other command runs first); run.sh and test.sh only call it.
set -euo pipefail

# Resolve the repo root from the script location so the cwd doesn't matter.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
STATE=$ROOT/.hookd        # secrets of make run (files of mode 600) and the cluster
PGDIR=$STATE/pg
LINK=$PGDIR/data          # the data dir itself, or a symlink to it
PORTFILE=$PGDIR/port
DEFAULT_PORT=54329
OSUSER=postgres           # unprivileged user for initdb/postgres when we are root

log() { printf 'devdb: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Where the data actually lives (follows the symlink used for the /var/tmp case).
DATA=$LINK
[[ -L $LINK ]] && DATA=$(readlink "$LINK")
BASE=$(dirname "$DATA")   # holds data, postgres.log and sock/

# As root, the cluster belongs to whoever owns an existing data dir (a user who
# ran `make test` before), else to the postgres user.
if [[ $EUID -eq 0 && -d $DATA ]]; then
  owner=$(stat -c %U "$DATA" 2>/dev/null || echo "$OSUSER")
  [[ $owner != root && $owner != UNKNOWN ]] && OSUSER=$owner
fi

# initdb/pg_ctl refuse to run as root, so drop to the cluster's user. cd / because
# that user may not be able to access our cwd (e.g. under /root). 9>&- keeps the
# lock fd out of the long-lived postmaster (it would hold the lock forever).
as_pg() {
  if [[ $EUID -eq 0 ]]; then (cd / && runuser -u "$OSUSER" -- "$@" 9>&-); else "$@" 9>&-; fi
}

# prepare creates .hookd/ (and .hookd/pg/ when it holds a cluster) and puts
# their permissions right, whichever command created them and however: secrets
# inside are files of mode 600, and as root the cluster runs as another user who
# must be able to search every directory above its data. Postgres opens files by
# absolute path (each checkpoint rewrites $DATA/global/pg_control), so a parent
# it cannot search lets it start and then PANIC minutes later.
prepare() {
  mkdir -p "$STATE"
  [[ -w $STATE && -x $STATE ]] || die "$STATE belongs to $(stat -c %U "$STATE"); run as that user, or remove it"
  if [[ $EUID -eq 0 ]]; then
    chmod 711 "$STATE"                      # others may pass through, not list
    if [[ -d $PGDIR ]]; then chmod 711 "$PGDIR"; fi
    if [[ -d $DATA && ! -L $DATA ]]; then   # an interrupted run may have left it root's
      [[ $(stat -c %U "$DATA") == "$OSUSER" ]] || chown -R "$OSUSER": "$DATA"
      chmod 700 "$DATA"
    fi
  else
    chmod 700 "$STATE"
    if [[ -d $PGDIR ]]; then chmod 700 "$PGDIR"; fi
  fi
}

# Running = postmaster.pid names a live process that is *our* postmaster (its cwd
# is our data dir). Guards against stale pid files whose pid got reused.
is_running() {
  local pid
  pid=$(head -n1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -d /proc/$pid ]]; then
    [[ $(readlink -f "/proc/$pid/cwd" 2>/dev/null) == "$(readlink -f "$DATA")" ]]
  else
    [[ $(ps -o comm= -p "$pid" 2>/dev/null) == *postgres* ]]
  fi
}

running_port() { sed -n 4p "$DATA/postmaster.pid"; }  # line 4 of postmaster.pid is the port
url() { printf 'postgres://postgres@127.0.0.1:%s/hookd?sslmode=disable\n' "$(running_port)"; }

# Something already accepting TCP connections on 127.0.0.1:$1?
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

find_bin() {
  local d v
  # Prefer the major version the cluster was created with, if it is installed.
  if [[ -f $DATA/PG_VERSION ]]; then
    v=$(cat "$DATA/PG_VERSION")
    [[ -x /usr/lib/postgresql/$v/bin/initdb ]] && { echo "/usr/lib/postgresql/$v/bin"; return; }
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    [[ -n $d && -x $d/initdb ]] && { echo "$d"; return; }
  fi
  d=$(shopt -s nullglob; printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  [[ -n $d && -x $d/initdb ]] && { echo "$d"; return; }
  d=$(command -v initdb 2>/dev/null || true)
  [[ -n $d ]] && { dirname "$d"; return; }
  return 1
}

ensure_bin() {
  BIN=$(find_bin) && return
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL server not found; installing it with apt-get"
    # Only refresh the package index if the plain install fails (saves time).
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 ||
      { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2; } ||
      die "apt-get install postgresql failed"
    BIN=$(find_bin) && return
  fi
  die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL (e.g. 'apt-get install postgresql') or set DATABASE_URL to an existing database."
}

# As root, hand paths to the postgres user (it runs initdb/postgres).
give_to_pg() { if [[ $EUID -eq 0 ]]; then chown "$OSUSER": "$@"; fi; }

init_cluster() {
  mkdir -p "$PGDIR"
  prepare
  if [[ $EUID -eq 0 ]]; then
    command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux)"
    id "$OSUSER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OSUSER"
    # The postgres user can't reach a repo under e.g. /root (mode 700): keep the
    # data in /var/tmp instead and remember it via the data symlink.
    if [[ ! -e $LINK && ! -L $LINK ]] && ! runuser -u "$OSUSER" -- test -x "$PGDIR"; then
      BASE=/var/tmp/hookd-devdb-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
      DATA=$BASE/data
      [[ -L $BASE ]] && die "$BASE is a symlink; refusing to use it"
      [[ -d $BASE ]] || mkdir -m 700 "$BASE"
      give_to_pg "$BASE"
      ln -sfn "$DATA" "$LINK"
      ln -sfn "$BASE/postgres.log" "$PGDIR/postgres.log"
      log "repo not accessible to user $OSUSER; data lives in $BASE"
    fi
  fi
  [[ -f $DATA/PG_VERSION ]] && return
  rm -rf "$DATA"   # leftovers of an interrupted initdb would make it refuse
  mkdir -m 700 "$DATA"
  give_to_pg "$DATA"
  log "initializing cluster in $DATA"
  as_pg "$BIN/initdb" -D "$DATA" --auth=trust --username=postgres \
    --encoding=UTF8 --locale=C >&2
}

pick_port() {
  local p=${HOOKD_DEVDB_PORT:-}
  [[ -z $p && -f $PORTFILE ]] && p=$(cat "$PORTFILE")
  p=${p:-$DEFAULT_PORT}
  if port_busy "$p"; then
    log "port $p is in use by something else; looking for a free one"
    local q
    for q in {54329..54399}; do port_busy "$q" || { p=$q; break; }; done
    port_busy "$p" && die "no free port in 54329..54399 (set HOOKD_DEVDB_PORT)"
  fi
  echo "$p" >"$PORTFILE"
  PORT=$p
}

# bind_failed: the last start failed because its port was in use.
bind_failed() { tail -n 8 "$BASE/postgres.log" 2>/dev/null | grep -q 'Address already in use'; }

# next_port: the first free port after PORT, recorded like pick_port's.
next_port() {
  local q
  for ((q = PORT + 1; q <= 54399; q++)); do
    port_busy "$q" || { PORT=$q; echo "$PORT" >"$PORTFILE"; return 0; }
  done
  return 1
}

pg_start() {
  local sock=$BASE/sock
  # postgres (maybe a different user) must be able to write its socket dir and log.
  mkdir -p "$sock"; touch "$BASE/postgres.log"; give_to_pg "$sock" "$BASE/postgres.log"
  # Unix socket paths are limited to 107 bytes and -o is parsed by a shell.
  if (( ${#sock} + 18 > 107 )) || [[ $sock =~ [^A-Za-z0-9_./-] ]]; then sock=/tmp; fi
  local opts="-p $PORT -k $sock -c listen_addresses=127.0.0.1 -c fsync=on"
  opts+=" -c synchronous_commit=on -c max_connections=300 -c shared_buffers=256MB"
  opts+=" -c unix_socket_permissions=0777"
  as_pg "$BIN/pg_ctl" start -w -t 60 -D "$DATA" -l "$BASE/postgres.log" -o "$opts" >&2
}

cmd_start() {
  ensure_bin
  if ! is_running; then
    init_cluster
    pick_port
    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $PGDIR/postgres.log)"
    local stale_removed=0 moves=0
    while ! pg_start; do
      # A crash can leave postmaster.pid naming a dead (or reused) pid that
      # postgres won't override; drop it once and retry.
      if [[ -f $DATA/postmaster.pid ]] && ! is_running && (( !stale_removed )); then
        log "removing stale postmaster.pid and retrying"
        rm -f "$DATA/postmaster.pid"; stale_removed=1
        continue
      fi
      # The port was free when picked, but nothing stops a client's
      # ephemeral port (the kernel hands those out from 32768 up) from
      # taking it before postgres binds: move on, unless the user chose it.
      if bind_failed && [[ -z ${HOOKD_DEVDB_PORT:-} ]] && (( moves++ < 5 )); then
        log "port $PORT was taken as PostgreSQL started; trying another"
        next_port && continue
      fi
      tail -n 20 "$BASE/postgres.log" >&2 || true
      die "could not start PostgreSQL"
    done
  fi
  local psql=$BIN/psql conn
  [[ -x $psql ]] || psql=psql
  conn="host=127.0.0.1 port=$(running_port) user=postgres dbname=postgres sslmode=disable"
  if [[ $("$psql" "$conn" -XtAc "SELECT 1 FROM pg_database WHERE datname = 'hookd'") != 1 ]]; then
    "$psql" "$conn" -Xq -c 'CREATE DATABASE hookd' >&2
  fi
  url
}

cmd_stop() {
  is_running || { log "not running"; return 0; }
  ensure_bin
  as_pg "$BIN/pg_ctl" stop -w -m fast -D "$DATA" >&2
}

# Serialize start/stop/destroy so parallel `make` targets don't race initdb.
lock() {
  prepare
  if command -v flock >/dev/null 2>&1; then exec 9>"$STATE/devdb.lock"; flock 9; fi
}

case ${1:-} in
  prepare) lock; prepare ;;
  start) lock; prepare; cmd_start ;;
  stop) lock; cmd_stop ;;
  status)
    if is_running; then echo running; log "port $(running_port), data $DATA"; else echo stopped; fi ;;
  url) is_running || { log "not running (use: $0 start)"; exit 1; }; url ;;
  destroy)
    lock; cmd_stop
    # Only delete the /var/tmp dir if it is really one of ours.
    if [[ -L $LINK && $BASE == /var/tmp/hookd-devdb-* ]]; then rm -rf "$BASE"; fi
    rm -rf "$PGDIR"
    log "destroyed" ;;
  *) echo "usage: $0 prepare|start|stop|status|url|destroy" >&2; exit 2 ;;
esac
