#!/usr/bin/env bash
# run-demo.sh: start a throwaway PostgreSQL 15 and switchyard in front of it, for trying switchyard by hand.
#
# Usage (from anywhere; paths are relative to the repository root):
#   ./scripts/install-deps.sh && cmake -S . -B build -G Ninja && cmake --build build && ./scripts/run-demo.sh
#
# What it does:
#   1. initdb a fresh cluster into .demo/pgdata (wiped on every run; .demo/ is gitignored),
#      start it on 127.0.0.1:$PG_PORT with trust auth, loopback only.
#   2. create database `app` with an example table users(id serial primary key, full_name text), and
#      the new column display_name added and filled (the "expand" and "backfill" of a rename).
#   3. write .demo/switchyard.yaml and run build/switchyard on 127.0.0.1:$PROXY_PORT, logging to this terminal,
#      with its admin server (the console, /status, /metrics) on 127.0.0.1:$ADMIN_PORT.
#   4. print the psql command to connect through switchyard and the console's address.
#   Ctrl-C (or SIGTERM) stops switchyard first, then PostgreSQL, and says so.
#
# Environment:
#   PROXY_PORT      switchyard listen port (default 6432; if the default is busy a free port is used)
#   PG_PORT         PostgreSQL port        (default 5433; if the default is busy a free port is used)
#   ADMIN_PORT      admin server port      (default 9187; if the default is busy a free port is used)
#   SWITCHYARD_BIN  proxy binary           (default build/switchyard)
#   PG_BIN          PostgreSQL bin dir     (default /usr/lib/postgresql/15/bin)
#   DEMO_DIR        working directory      (default .demo in the repository root)
#
# PostgreSQL refuses to run as root: when run as root, initdb/postgres run as the `postgres` OS user.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SWITCHYARD_BIN="${SWITCHYARD_BIN:-$REPO_ROOT/build/switchyard}"
DEMO_DIR="${DEMO_DIR:-$REPO_ROOT/.demo}"
PGDATA="$DEMO_DIR/pgdata"
DEMO_DB=app
PG_USER=postgres

PG_STARTED=0      # 1 once pg_ctl start succeeded
SY_PID=""         # switchyard's pid once started
STOP_REQUESTED=0  # 1 after Ctrl-C / SIGTERM

log() { printf 'run-demo: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source=scripts/lib/process.sh
. "$REPO_ROOT/scripts/lib/process.sh"

# port_free PORT: true if nothing can be reached on, and we could bind, 127.0.0.1:PORT.
port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# free_port: prints a port the kernel considers free on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pick_port NAME DEFAULT: the value of $NAME if set (must be free), else DEFAULT if free, else any free port.
pick_port() {
  local name=$1 default=$2 requested="${!1:-}"
  if [ -n "$requested" ]; then
    port_free "$requested" || die "$name=$requested is already in use on 127.0.0.1"
    echo "$requested"
  elif port_free "$default"; then
    echo "$default"
  else
    local p; p="$(free_port)"
    log "port $default is busy; using $p for $name"
    echo "$p"
  fi
}

# Stops a server left behind by an earlier run that was killed before it could clean up.
stop_leftovers() {
  local old
  if [ -f "$DEMO_DIR/switchyard.pid" ]; then
    old="$(cat "$DEMO_DIR/switchyard.pid")"
    # Only if that pid is still a switchyard running our demo config.
    if pid_alive "$old" && tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -qF -- "$DEMO_DIR/switchyard.yaml"; then
      log "stopping switchyard left over from an earlier run (pid $old)"
      stop_pid "$old" switchyard 10
    fi
    rm -f "$DEMO_DIR/switchyard.pid"
  fi
  if [ -f "$PGDATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    log "stopping PostgreSQL left over from an earlier run"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast >/dev/null
  fi
}

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SY_PID" ]; then
    if pid_alive "$SY_PID"; then
      log "stopping switchyard (pid $SY_PID)..."
      stop_pid "$SY_PID" switchyard 15
      log "switchyard stopped"
    fi
    rm -f "$DEMO_DIR/switchyard.pid"
  fi
  if [ "$PG_STARTED" -eq 1 ]; then
    log "stopping PostgreSQL..."
    if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast -t 30 >/dev/null; then
      log "PostgreSQL stopped"
    else
      log "pg_ctl stop failed; see $DEMO_DIR/postgres.log"
      rc=1
    fi
  fi
  if [ "$STOP_REQUESTED" -eq 1 ] && [ "$rc" -eq 130 ]; then
    log "demo stopped cleanly"
    rc=0
  fi
  exit "$rc"
}

start_postgres() {
  log "initdb into $PGDATA"
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PGDATA"; fi
  chmod 700 "$PGDATA"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$DEMO_DIR/initdb.log" 2>&1 || { cat "$DEMO_DIR/initdb.log" >&2; die "initdb failed"; }

  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $DEMO_DIR/postgres.log)"
  : >"$DEMO_DIR/postgres.log"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DEMO_DIR/postgres.log"; fi
  # No Unix socket: everything, including this script, talks TCP on loopback.
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$DEMO_DIR/postgres.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=''" >/dev/null \
    || { tail -n 20 "$DEMO_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
  PG_STARTED=1
}

create_example_schema() {
  local conn="host=127.0.0.1 port=$PG_PORT user=$PG_USER"
  psql "$conn dbname=postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DEMO_DB" >/dev/null
  psql "$conn dbname=$DEMO_DB" -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE users (
  id        serial PRIMARY KEY,
  full_name text
);
INSERT INTO users (full_name) VALUES
  ('Ada Lovelace'),
  ('Grace Hopper'),
  ('Edsger Dijkstra'),
  ('Barbara Liskov'),
  ('Donald Knuth');
-- The example migration renames full_name to display_name: the new column exists and is filled.
ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = full_name;
SQL
  log "created database $DEMO_DB with table users (5 rows, full_name and display_name)"
}

write_config() {
  cat >"$DEMO_DIR/switchyard.yaml" <<EOF
# Written by scripts/run-demo.sh; regenerated on every run.
listen: 127.0.0.1:$PROXY_PORT
upstream: 127.0.0.1:$PG_PORT
threads: 0

log:
  level: info
  format: text

limits:
  max_message_bytes: 67108864
  connect_timeout_ms: 5000
  drain_timeout_ms: 5000        # short, so Ctrl-C does not wait long for idle demo sessions

# The admin server: the console at http://127.0.0.1:$ADMIN_PORT/, /status, /metrics, POST /reload.
admin:
  listen: 127.0.0.1:$ADMIN_PORT

# switchyard's own connection, to check migrations against the live schema.
control: "host=127.0.0.1 port=$PG_PORT dbname=$DEMO_DB user=$PG_USER"

# The example migration: users.full_name is being renamed to display_name. In dual_write, writes
# of either column through switchyard land in both.
migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
EOF
}

start_switchyard() {
  log "starting switchyard on 127.0.0.1:$PROXY_PORT -> 127.0.0.1:$PG_PORT"
  # setsid: Ctrl-C reaches only this script, which then stops switchyard and PostgreSQL in that order.
  setsid "$SWITCHYARD_BIN" --config "$DEMO_DIR/switchyard.yaml" &
  SY_PID=$!
  echo "$SY_PID" >"$DEMO_DIR/switchyard.pid"

  # Ready when a query goes through it end to end.
  local i
  for ((i = 0; i < 100; i++)); do
    pid_alive "$SY_PID" || { wait "$SY_PID" || true; SY_PID=""; die "switchyard exited during startup"; }
    if psql "host=127.0.0.1 port=$PROXY_PORT dbname=$DEMO_DB user=$PG_USER connect_timeout=2" \
         -qXAt -c 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "switchyard did not accept a query on 127.0.0.1:$PROXY_PORT within 10s"
}

main() {
  [ -x "$SWITCHYARD_BIN" ] || die "$SWITCHYARD_BIN not found; build it first: cmake -S . -B build -G Ninja && cmake --build build"
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN; run ./scripts/install-deps.sh (or set PG_BIN)"
  command -v psql >/dev/null || die "psql not found; run ./scripts/install-deps.sh"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (installed with postgresql-15)"
  fi

  mkdir -p "$DEMO_DIR"
  DEMO_DIR="$(cd "$DEMO_DIR" && pwd)"
  PGDATA="$DEMO_DIR/pgdata"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$DEMO_DIR"; then
    die "the postgres user cannot reach $DEMO_DIR; set DEMO_DIR to a directory it can (e.g. DEMO_DIR=/tmp/switchyard-demo)"
  fi

  trap cleanup EXIT
  trap 'STOP_REQUESTED=1; exit 130' INT TERM

  stop_leftovers
  PG_PORT="$(pick_port PG_PORT 5433)"
  PROXY_PORT="$(pick_port PROXY_PORT 6432)"
  ADMIN_PORT="$(pick_port ADMIN_PORT 9187)"

  start_postgres
  create_example_schema
  write_config
  start_switchyard

  cat <<EOF

  switchyard is running: 127.0.0.1:$PROXY_PORT -> PostgreSQL 15 on 127.0.0.1:$PG_PORT (config: $DEMO_DIR/switchyard.yaml)

  Connect through switchyard with:

    psql "host=127.0.0.1 port=$PROXY_PORT dbname=$DEMO_DB user=$PG_USER"

  Watch it in the console (phase, writes rewritten, reads by shape, backfill):

    http://127.0.0.1:$ADMIN_PORT/

  or in this terminal: $SWITCHYARD_BIN status --config $DEMO_DIR/switchyard.yaml

  then try the example migration (users.full_name -> display_name, phase dual_write):

    INSERT INTO users (full_name) VALUES ('Alan Turing');        -- an old-shaped write
    UPDATE users SET display_name = 'Ada King' WHERE id = 1;     -- a new-shaped write
    SELECT id, full_name, display_name FROM users ORDER BY id;   -- both columns agree

  Press Ctrl-C to stop switchyard and PostgreSQL.

EOF

  # Foreground-ish: switchyard logs to this terminal; we wait until it exits or Ctrl-C arrives.
  local rc=0
  wait "$SY_PID" || rc=$?
  SY_PID=""
  rm -f "$DEMO_DIR/switchyard.pid"
  log "switchyard exited on its own with status $rc"
  exit "$rc"
}

main "$@"
