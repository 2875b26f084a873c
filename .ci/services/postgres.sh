#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 cluster on loopback for the PostgreSQL store tests.
#
#   source .ci/services/postgres.sh                # start, and export MLP_TEST_POSTGRES into this shell
#   bash .ci/services/postgres.sh start            # start, and print the `export …` line
#   bash .ci/services/postgres.sh stop             # stop the server by PID (.ci/services/stop.sh does this)
#
# Layout (override with MLP_POSTGRES_DIR): $DIR/{data/,sock/,postgres.log}. Port MLP_POSTGRES_PORT (default 54329).
# The cluster runs as the `postgres` user when this script runs as root (initdb refuses root). The role `mlp`
# (password `mlp`) owns the database `mlp` and may create databases: each test makes its own and drops it.
# Idempotent: a running cluster is reused, an existing data folder is started again.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  _mlp_pg_exports="$(bash "${BASH_SOURCE[0]}" start)" || return 1
  eval "$_mlp_pg_exports"
  echo "$_mlp_pg_exports" >&2
  unset _mlp_pg_exports
  return 0
fi
set -euo pipefail

DIR="${MLP_POSTGRES_DIR:-/tmp/mlp-postgres}"
PORT="${MLP_POSTGRES_PORT:-54329}"
ROLE="${MLP_POSTGRES_USER:-mlp}"
PASSWORD="${MLP_POSTGRES_PASSWORD:-mlp}"
DATABASE="${MLP_POSTGRES_DATABASE:-mlp}"
cmd="${1:-start}"

log() { echo "[postgres.sh] $*" >&2; }

find_bin() {
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return; }
  return 1
}

BIN="$(find_bin)" || {
  log "PostgreSQL binaries not found; installing postgresql-15"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  BIN="$(find_bin)"
}

# Runs a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pid_of() { [ -f "$DIR/data/postmaster.pid" ] && head -1 "$DIR/data/postmaster.pid"; }
alive() { local p; p="$(pid_of)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

psql_admin() { as_owner "$BIN/psql" -h "$DIR/sock" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

start() {
  mkdir -p "$DIR/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    log "initdb into $DIR/data"
    as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || { tail -20 "$DIR/initdb.log" >&2; exit 1; }
  fi
  if alive; then
    log "postgres already running (pid $(pid_of))"
  else
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/sock -c max_connections=200 -c fsync=off -c synchronous_commit=off" start >&2 \
      || { tail -20 "$DIR/postgres.log" >&2; exit 1; }
    log "postgres up on 127.0.0.1:$PORT (pid $(pid_of))"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DATABASE OWNER $ROLE"
  fi
  echo "export MLP_TEST_POSTGRES='Host=127.0.0.1;Port=$PORT;Username=$ROLE;Password=$PASSWORD;Database=$DATABASE'"
}

stop() {
  if alive; then
    local pid; pid="$(pid_of)"
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || kill "$pid"
    log "stopped pid $pid"
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
