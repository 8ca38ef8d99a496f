# shellcheck shell=bash
# pg_fixture.sh: the PostgreSQL side of a bench/ script (a throwaway PostgreSQL 15 with pgbench's
# tables and the abalance -> balance column), plus the small measuring helpers every run needs
# (free ports, a process's CPU time, a counter from /metrics, pgbench's summary lines, medians,
# syscalls per query under strace -c).
#
# Source it after scripts/lib/process.sh. It expects, set by the caller:
#   log, die        functions
#   PG_BIN          PostgreSQL bin dir
#   BENCH_DIR       the script's temporary directory (mode 755: the postgres user reads it)
#   PG_PORT         the port PostgreSQL listens on (from free_port)
#   DB PG_USER SCALE FSYNC MAX_CONNECTIONS SHARED_BUFFERS
# and sets PG_STARTED=1 once PostgreSQL runs: the caller's EXIT trap calls stop_postgres.

PG_STARTED=0
PORTS_GIVEN=" "

# free_port: prints a 127.0.0.1 port that is free now and not yet handed out by this script.
free_port() {
  local p
  while :; do
    p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    case "$PORTS_GIVEN" in *" $p "*) continue ;; esac
    PORTS_GIVEN+="$p "
    echo "$p"
    return
  done
}

# sql ARGS...: psql directly on PostgreSQL (not through a proxy), unaligned, stop on error.
sql() {
  psql "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER" -qXAt -v ON_ERROR_STOP=1 "$@"
}

# wait_ready PORT NAME [PID]: until a query succeeds through 127.0.0.1:PORT (10 s); PID must stay alive.
wait_ready() {
  local port=$1 name=$2 pid=${3:-} i
  for ((i = 0; i < 100; i++)); do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then die "$name exited during startup; see $BENCH_DIR"; fi
    if psql "host=127.0.0.1 port=$port dbname=$DB user=$PG_USER connect_timeout=2" -qXAt -c 'SELECT 1' \
         >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "$name did not answer a query on 127.0.0.1:$port within 10s; see $BENCH_DIR"
}

start_postgres() {
  local pgdata="$BENCH_DIR/pgdata"
  mkdir -m 700 "$pgdata"
  give_to_pg "$pgdata"
  log "initdb"
  as_pg "$PG_BIN/initdb" -D "$pgdata" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$BENCH_DIR/initdb.log" 2>&1 || { cat "$BENCH_DIR/initdb.log" >&2; die "initdb failed"; }
  cat >>"$pgdata/postgresql.conf" <<EOF

# --- bench/lib/pg_fixture.sh ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = $MAX_CONNECTIONS
shared_buffers = $SHARED_BUFFERS
fsync = $FSYNC
max_wal_size = 4GB
checkpoint_timeout = 30min
EOF
  touch "$BENCH_DIR/postgres.log"
  give_to_pg "$BENCH_DIR/postgres.log"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$BENCH_DIR/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$BENCH_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
  PG_STARTED=1
  psql "host=127.0.0.1 port=$PG_PORT dbname=postgres user=$PG_USER" -qX -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $DB" >/dev/null
}

stop_postgres() {
  [ "$PG_STARTED" -eq 1 ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$BENCH_DIR/pgdata" stop -m fast -t 60 >/dev/null || log "pg_ctl stop failed"
  PG_STARTED=0
  log "PostgreSQL stopped"
}

# init_pgbench: pgbench's tables at $SCALE, prewarmed, with pgbench_accounts.balance = abalance
# (the rename_column migration's new column, expanded and backfilled).
init_pgbench() {
  log "pgbench -i -s $SCALE"
  pgbench -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -i -s "$SCALE" -q "$DB" >"$BENCH_DIR/pgbench-init.log" 2>&1 \
    || { cat "$BENCH_DIR/pgbench-init.log" >&2; die "pgbench -i failed"; }
  sql -c "ALTER TABLE pgbench_accounts ADD COLUMN balance int" -c "UPDATE pgbench_accounts SET balance = abalance" \
      -c "VACUUM ANALYZE pgbench_accounts" >/dev/null || die "could not add pgbench_accounts.balance"
  sql -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
      -c "SELECT pg_prewarm(c) FROM unnest(ARRAY['pgbench_accounts','pgbench_accounts_pkey','pgbench_branches',
                                                 'pgbench_tellers']::regclass[]) AS c" >/dev/null \
    || log "pg_prewarm unavailable; the first runs may be cold"
}

# reset_state: what pgbench does before a run unless -n, done directly so every run starts alike.
# It does not touch balance: a row where abalance and balance differ stays visible to the caller.
reset_state() {
  sql -c "VACUUM pgbench_branches" -c "VACUUM pgbench_tellers" -c "TRUNCATE pgbench_history" -c "CHECKPOINT" >/dev/null
}

# diverged_rows: rows where the old and the new column disagree (0 when every write reached both).
diverged_rows() {
  sql -c "SELECT count(*) FROM pgbench_accounts WHERE abalance IS DISTINCT FROM balance"
}


# start_pgbouncer_in DIR PORT POOL [EXTRA]: a session-mode PgBouncer in DIR (made here), on
# 127.0.0.1:PORT, in front of $DB on $PG_PORT, trust auth for $PG_USER, pool and server connections
# for POOL clients (20 more may wait); EXTRA (lines) goes into [pgbouncer]. Returns once its pidfile
# DIR/pgbouncer.pid exists: register that file for the EXIT trap before calling.
start_pgbouncer_in() {
  local dir=$1 port=$2 pool=$3 extra=${4:-}
  mkdir -p "$dir"
  printf '"%s" ""\n' "$PG_USER" >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$DB = host=127.0.0.1 port=$PG_PORT dbname=$DB

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = session
default_pool_size = $pool
max_client_conn = $((pool + 20))
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  [ -z "$extra" ] || printf '%s\n' "$extra" >>"$dir/pgbouncer.ini"
  launch_pgbouncer "$dir" "$pool"
}

# launch_pgbouncer DIR CLIENTS: runs the PgBouncer of DIR/pgbouncer.ini (whose pidfile is
# DIR/pgbouncer.pid) as the postgres user, with descriptors for CLIENTS clients, and returns once
# its pidfile exists.
launch_pgbouncer() {
  local dir=$1 clients=$2 i
  give_to_pg "$dir"
  # runuser resets the soft descriptor limit (1024 by default): each client takes two.
  as_pg bash -c 'ulimit -n "$1" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec pgbouncer -d -q "$2"' _ \
    "$((2 * clients + 100))" "$dir/pgbouncer.ini" || die "pgbouncer failed to start; see $dir/pgbouncer.log"
  for ((i = 0; i < 50; i++)); do [ -s "$dir/pgbouncer.pid" ] && break; sleep 0.1; done
  [ -s "$dir/pgbouncer.pid" ] || die "pgbouncer wrote no pidfile; see $dir/pgbouncer.log"
}

# metric ADMIN_PORT NAME [LABELS]: the value of one sample on switchyard's GET /metrics (0 when absent).
metric() {
  local key=$2
  if [ -n "${3:-}" ]; then key="$2{$3}"; fi
  curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics" \
    | KEY="$key" awk '$1 == ENVIRON["KEY"] {v = $2} END {printf "%d\n", v + 0}'
}

# pgbench_field FILE WHAT: one number from pgbench's summary (tps, latency, transactions, failed,
# aborted = clients that aborted); empty when pgbench did not print it.
pgbench_field() {
  case "$2" in
    tps) awk '/^tps = / {print $3; exit}' "$1" ;;
    latency) awk '/^latency average = / {print $4; exit}' "$1" ;;
    transactions) awk '/^number of transactions actually processed: / {print $6; exit}' "$1" | cut -d/ -f1 ;;
    failed) awk '/^number of failed transactions: / {print $5; exit}' "$1" ;;
    aborted) grep -Ec '^pgbench: (error: )?client [0-9]+ (script [0-9]+ )?aborted' "$1" || true ;;
  esac
}

# strace_attach PID TRACE: counts the system calls of PID (all its threads, strace -c -f) into
# TRACE until strace_detach; sets TRACER_PID. Returns once every thread is attached.
TRACER_PID=""
strace_attach() {
  strace -c -f -q -o "$2" -p "$1" 2>/dev/null &
  TRACER_PID=$!
  sleep 0.5
}
strace_detach() {
  [ -n "$TRACER_PID" ] || return 0
  kill -INT "$TRACER_PID" 2>/dev/null || true
  wait "$TRACER_PID" 2>/dev/null || true
  TRACER_PID=""
}

# syscalls_per_query TRACE QUERIES: from strace -c's table, "TOTAL<TAB>CALL N, CALL N" per query
# (the calls made at least 0.1 times a query).
syscalls_per_query() {
  awk -v q="$2" '
    $NF != "total" && $4 ~ /^[0-9]+$/ {calls[$NF] = $4}
    $NF != "total" && $5 ~ /^[0-9]+$/ && $4 !~ /^[0-9]+$/ {calls[$NF] = $5}
    /total$/ {total = ($4 ~ /^[0-9]+$/) ? $4 : $3}
    END {
      top = ""
      for (c in calls) if (calls[c] / q >= 0.1) top = top sprintf("%s %.1f, ", c, calls[c] / q)
      sub(/, $/, "", top)
      printf "%.2f\t%s\n", total / q, top
    }' "$1"
}

# median: the median of the numbers on stdin (mean of the middle two for an even count).
median() {
  sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# ratio A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.2f", a / b}'; }

machine_line() {
  local m
  m="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  [ -n "$m" ] || m="$(awk -F': *' '/^(Hardware|cpu model|Model)/ {print $2; exit}' /proc/cpuinfo)"
  echo "$(nproc) CPUs (${m:-unknown}), $(awk '/^MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
}

# finish_bench RC: the end of every script's EXIT trap once its own processes are stopped: stops
# PostgreSQL, keeps $BENCH_DIR on failure or with KEEP_BENCH_DIR=1 (and says where), else removes
# it, and exits with RC.
finish_bench() {
  local rc=$1
  stop_postgres
  if [ -n "$BENCH_DIR" ]; then
    if [ "$rc" -ne 0 ] || [ "${KEEP_BENCH_DIR:-0}" = 1 ]; then
      log "logs and raw pgbench output kept in $BENCH_DIR"
    else
      rm -rf "$BENCH_DIR"
    fi
  fi
  exit "$rc"
}
