#!/usr/bin/env bash
# sysbench_compare.sh: switchyard's MySQL relay (`protocol: mysql`) against direct MariaDB with sysbench.
#
# Usage:
#   bench/sysbench_compare.sh                       # 8 threads, 15 s per run, 3 rounds
#   DURATION=5 ROUNDS=1 OUT=/tmp/sb.md bench/sysbench_compare.sh
#
# It starts everything itself, on free 127.0.0.1 ports, in a temporary directory:
#   - MariaDB 10.11 (bench/lib/mariadb_fixture.sh), `sysbench oltp_common prepare` once
#     ($TABLES tables of $TABLE_SIZE rows), tables read once so every target starts warm;
#   - switchyard (build/switchyard) with `protocol: mysql`, `threads: $SWITCHYARD_THREADS`;
#   - with PG_REFERENCE=1 (default), PostgreSQL 15 and a second switchyard (`protocol: postgres`)
#     to measure the PostgreSQL relay's CPU per query beside the MySQL one under the same load:
#     `pgbench -S -M prepared` with the same number of clients, directly (pg_direct) and through it
#     (pg_relay), after the point-select targets of each round.
#   - switchyard_dual: a third switchyard, `protocol: mysql` with a column migration of every
#     table in dual_write (rename_column sbtestN.k -> k2, the column added and backfilled after
#     prepare), so each write sysbench makes is rewritten to write both; its ratio to switchyard
#     is the cost of dual writes over pass-through (target: within 10%).
# For each workload (oltp_point_select, oltp_read_write, oltp_write_only; prepared statements: --db-ps-mode=auto)
# it runs sysbench ROUNDS times against each target, round-robin with the first target rotating
# every round, and reports the median QPS, the ratio to direct, the proxy's own CPU µs per query
# (user + system of all its threads, /proc/PID/stat, over each timed run) and its syscalls per
# query (a short run of SYSCALL_SECONDS under `strace -c -f` after the timed rounds).
# Output: a markdown report on stdout (and in $OUT when set); progress on stderr. Everything
# started is stopped, by pid, on exit.
#
# Environment:
#   THREADS=8  DURATION=15  ROUNDS=3  TABLES=4  TABLE_SIZE=10000  SYSCALL_SECONDS=3
#   SWITCHYARD_THREADS=0      switchyard `threads:` (0 = one per core)
#   SWITCHYARD_LOG_LEVEL=warn
#   SWITCHYARD_CMD            the switchyard binary (default: build/switchyard)
#   PG_REFERENCE=1            also measure the PostgreSQL relay (0: MariaDB only)
#   OUT=path  KEEP_BENCH_DIR=1  PG_BIN (default /usr/lib/postgresql/15/bin)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
THREADS="${THREADS:-8}"
DURATION="${DURATION:-15}"
ROUNDS="${ROUNDS:-3}"
TABLES="${TABLES:-4}"
TABLE_SIZE="${TABLE_SIZE:-10000}"
SYSCALL_SECONDS="${SYSCALL_SECONDS:-3}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
SWITCHYARD_LOG_LEVEL="${SWITCHYARD_LOG_LEVEL:-warn}"
SWITCHYARD_CMD="${SWITCHYARD_CMD:-$REPO_ROOT/build/switchyard}"
PG_REFERENCE="${PG_REFERENCE:-1}"
OUT="${OUT:-}"

MY_DB=sbtest MY_USER=sbtest MY_PASSWORD=sbtest-secret MY_BUFFER_POOL=256M MY_MAX_CONNECTIONS=200
DB=bench PG_USER=postgres SCALE=10 FSYNC=off MAX_CONNECTIONS=100 SHARED_BUFFERS=256MB
WORKLOADS=(oltp_point_select oltp_read_write oltp_write_only)
TARGETS=(direct switchyard switchyard_dual)

BENCH_DIR=""
SY_PIDS=()
RUN_PID=""
declare -A PORT PROC_PID

BENCH_NAME=sysbench_compare
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"
# shellcheck source=bench/lib/mariadb_fixture.sh
. "$REPO_ROOT/bench/lib/mariadb_fixture.sh"  # start_mariadb, stop_mariadb, my_sql

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  if [ -n "$RUN_PID" ]; then stop_pid "$RUN_PID" benchmark 5; fi
  strace_detach
  for pid in "${SY_PIDS[@]}"; do stop_pid "$pid" switchyard 15; done
  stop_mariadb
  finish_bench "$rc"  # stops PostgreSQL if it runs, keeps or removes $BENCH_DIR
}

# start_switchyard NAME PROTOCOL UPSTREAM_PORT [EXTRA_YAML]: a switchyard on PORT[NAME].
start_switchyard() {
  local name=$1 protocol=$2 upstream=$3 extra=${4:-} i
  cat >"$BENCH_DIR/$name.yaml" <<YAML
protocol: $protocol
listen: 127.0.0.1:${PORT[$name]}
upstream: 127.0.0.1:$upstream
threads: $SWITCHYARD_THREADS
log: {level: $SWITCHYARD_LOG_LEVEL, format: text}
limits: {max_message_bytes: 67108864, connect_timeout_ms: 5000, drain_timeout_ms: 2000}
$extra
YAML
  log "starting $name ($protocol) on 127.0.0.1:${PORT[$name]}"
  "$SWITCHYARD_CMD" --config "$BENCH_DIR/$name.yaml" >"$BENCH_DIR/$name.log" 2>&1 &
  SY_PIDS+=($!)
  PROC_PID[$name]=$!
  for ((i = 0; i < 100; i++)); do
    pid_alive "${PROC_PID[$name]}" || die "$name exited during startup: $(tail -n 5 "$BENCH_DIR/$name.log")"
    if (exec 3<>"/dev/tcp/127.0.0.1/${PORT[$name]}") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$name did not accept connections within 10 s"
}

sb() {  # sb WORKLOAD PORT ARGS...: sysbench against 127.0.0.1:PORT
  local workload=$1 port=$2
  shift 2
  sysbench "$workload" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user="$MY_USER" \
    --mysql-password="$MY_PASSWORD" --mysql-db="$MY_DB" --tables="$TABLES" --table-size="$TABLE_SIZE" \
    --db-ps-mode=auto "$@"
}

# queries_of FILE: the total query count of a sysbench (or pgbench -S: one query a transaction) report.
queries_of() {
  awk '/^ *queries: / {print $2; exit} /^number of transactions actually processed: / {split($NF, a, "/"); print a[1]; exit}' "$1"
}
# qps_of FILE: queries per second as the run reported it (pgbench: its tps, one query a transaction).
qps_of() {
  awk '/^ *queries: / {gsub(/[(]/, "", $3); print $3; exit} /^tps = / {print $3; exit}' "$1"
}
errors_of() { awk '/^ *ignored errors: / {print $3; exit}' "$1"; }

# measure TARGET WORKLOAD OUTFILE DURATION_ARGS...: one run; the pg_* targets run pgbench -S -M prepared.
measure() {
  local target=$1 workload=$2 out=$3
  shift 3
  if [[ "$target" == pg_* ]]; then
    pgbench -h 127.0.0.1 -p "${PORT[$target]}" -U "$PG_USER" -n -S -M prepared -c "$THREADS" -j 2 "$@" "$DB" >"$out" 2>&1 &
  else
    sb "$workload" "${PORT[$target]}" --threads="$THREADS" "$@" run >"$out" 2>&1 &
  fi
  RUN_PID=$!
  wait "$RUN_PID" || { RUN_PID=""; tail -n 20 "$out" >&2; die "$target $workload failed"; }
  RUN_PID=""
}

run_one() {  # run_one WORKLOAD TARGET ROUND: appends workload, target, qps, cpu us/query, errors
  local workload=$1 target=$2 round=$3 out pid ticks0=0 q qps cpu="" err
  out="$BENCH_DIR/runs/$workload-$target-r$round.log"
  pid=${PROC_PID[$target]:-}
  [ -z "$pid" ] || ticks0="$(cpu_ticks "$pid")"
  if [[ "$target" == pg_* ]]; then measure "$target" "$workload" "$out" -T "$DURATION"
  else measure "$target" "$workload" "$out" --time="$DURATION"; fi
  q="$(queries_of "$out")"
  qps="$(qps_of "$out")"
  [ -n "$q" ] && [ -n "$qps" ] || die "no query count in $out"
  [ -z "$pid" ] || cpu="$(us_per_tx $(($(cpu_ticks "$pid") - ticks0)) "$q")"
  err="$(errors_of "$out")"
  printf '%s\t%s\t%s\t%s\t%s\n' "$workload" "$target" "$qps" "${cpu:-}" "${err:-0}" >>"$BENCH_DIR/results.tsv"
  log "  round $round/$ROUNDS $workload $target: $qps qps${cpu:+, proxy $cpu us/query}, ${err:-0} errors"
}

# count_syscalls WORKLOAD TARGET: SYSCALL_SECONDS under strace -c on the proxy; syscalls per query.
count_syscalls() {
  local workload=$1 target=$2 pid=${PROC_PID[$2]:-} trace out
  [ -n "$pid" ] || return 0
  trace="$BENCH_DIR/runs/strace-$workload-$target.txt"
  out="$BENCH_DIR/runs/strace-$workload-$target.log"
  strace_attach "$pid" "$trace"
  if [[ "$target" == pg_* ]]; then measure "$target" "$workload" "$out" -T "$SYSCALL_SECONDS"
  else measure "$target" "$workload" "$out" --time="$SYSCALL_SECONDS"; fi
  strace_detach
  local queries
  queries="$(queries_of "$out")"
  printf '%s\t%s\t%s\n' "$workload" "$target" "$(syscalls_per_query "$trace" "$queries")" >>"$BENCH_DIR/syscalls.tsv"
  log "  syscalls $workload $target: $(tail -n 1 "$BENCH_DIR/syscalls.tsv" | cut -f3) per query"
}

values_of() { awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t && $f != "" {print $f}' "$BENCH_DIR/results.tsv"; }

report() {
  local w t qps direct cpu sys errs
  echo "## sysbench: direct MariaDB vs switchyard (protocol: mysql)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(machine_line)"
  echo "- $(mariadbd --version 2>/dev/null | head -n1); $(sysbench --version); switchyard repo $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null), threads: $SWITCHYARD_THREADS"
  echo "- sysbench --threads=$THREADS --time=$DURATION --db-ps-mode=auto (server-side prepared statements), $TABLES tables x $TABLE_SIZE rows; $ROUNDS round(s) per target, round-robin; median shown"
  [ "$PG_REFERENCE" != 1 ] || echo "- pg_direct, pg_relay: PostgreSQL 15 directly and through switchyard (\`protocol: postgres\`) under \`pgbench -S -M prepared -c $THREADS -j 2\` (one query per transaction), in the same rounds; pg_relay's ratio is to pg_direct"
  echo "- one host, loopback TCP: clients, proxies and servers share the CPUs; load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
  echo
  echo "| workload | target | QPS | ratio to direct | proxy CPU µs/query | syscalls/query | errors (sum) |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for w in "${WORKLOADS[@]}"; do
    for t in "${TARGETS[@]}" pg_direct pg_relay; do
      [ -n "$(values_of "$w" "$t" 3)" ] || continue
      qps="$(values_of "$w" "$t" 3 | median)"
      cpu="$(values_of "$w" "$t" 4)"
      [ -z "$cpu" ] || cpu="$(median <<<"$cpu")"
      sys="$(awk -F'\t' -v w="$w" -v t="$t" '$1 == w && $2 == t {print $3 " (" $4 ")"}' "$BENCH_DIR/syscalls.tsv")"
      errs="$(values_of "$w" "$t" 5 | awk '{s += $1} END {print s + 0}')"
      case "$t" in
        direct | pg_direct) direct="$qps" ;;
      esac
      local r
      r="$(ratio "$qps" "$direct")"
      printf '| `%s` | %s | %.0f | %s | %s | %s | %s |\n' "$w" "$t" "$qps" "$r" "${cpu:-—}" "${sys:-—}" "$errs"
    done
  done
  echo
  for w in "${WORKLOADS[@]}"; do
    local pass dual
    pass="$(values_of "$w" switchyard 3 | median)"
    dual="$(values_of "$w" switchyard_dual 3 | median)"
    [ -z "$pass" ] || [ -z "$dual" ] || echo "- \`$w\`: switchyard_dual (every table in dual_write) / switchyard (pass-through) = $(ratio "$dual" "$pass")"
  done
  echo
  echo "QPS of each round (round 1 first):"
  echo
  for w in "${WORKLOADS[@]}"; do
    for t in "${TARGETS[@]}" pg_direct pg_relay; do
      [ -n "$(values_of "$w" "$t" 3)" ] || continue
      printf -- '- `%s` %s: %s\n' "$w" "$t" "$(values_of "$w" "$t" 3 | paste -sd, - | sed 's/,/, /g')"
    done
  done
}

main() {
  local tool
  for tool in sysbench mariadb mariadb-install-db python3 strace; do
    command -v "$tool" >/dev/null || die "$tool not found; run ./scripts/install-deps.sh"
  done
  [ -x "$SWITCHYARD_CMD" ] || die "$SWITCHYARD_CMD not found; build it (cmake --build build --target switchyard) or set SWITCHYARD_CMD"
  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-sysbench.XXXXXX")"
  chmod 755 "$BENCH_DIR"  # the mysql and postgres users reach their directories in here
  mkdir -p "$BENCH_DIR/runs"
  : >"$BENCH_DIR/results.tsv"
  : >"$BENCH_DIR/syscalls.tsv"
  PORT[direct]="$(free_port)"
  PORT[switchyard]="$(free_port)"
  PORT[switchyard_dual]="$(free_port)"
  MY_PORT="${PORT[direct]}"
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "working in $BENCH_DIR; load average $LOAD_BEFORE (other work on this host skews the numbers)"

  start_mariadb
  log "sysbench prepare: $TABLES tables x $TABLE_SIZE rows"
  sb oltp_common "$MY_PORT" prepare >"$BENCH_DIR/prepare.log" 2>&1 || { tail "$BENCH_DIR/prepare.log" >&2; die "sysbench prepare failed"; }
  sb oltp_read_only "$MY_PORT" --threads=2 --time=2 run >/dev/null 2>&1 || true  # warm the buffer pool
  start_switchyard switchyard mysql "$MY_PORT"
  # The dual_write target: every table's k gains a k2 (expand, backfill), migrated by rename_column.
  local t migrations="control: \"host=127.0.0.1 port=$MY_PORT user=$MY_USER password=$MY_PASSWORD dbname=$MY_DB\""$'\n'"migrations:"
  for ((t = 1; t <= TABLES; t++)); do
    my_sql "$MY_DB" -e "ALTER TABLE sbtest$t ADD COLUMN k2 INT NULL; UPDATE sbtest$t SET k2 = k"
    migrations+=$'\n'"  - {name: sbtest${t}_k2, table: sbtest$t, rename_column: {from: k, to: k2}, phase: dual_write}"
  done
  start_switchyard switchyard_dual mysql "$MY_PORT" "$migrations"
  local pg_target=""
  if [ "$PG_REFERENCE" = 1 ]; then
    PG_PORT="$(free_port)"
    PORT[pg_relay]="$(free_port)"
    PORT[pg_direct]="$PG_PORT"
    start_postgres
    log "pgbench -i -s $SCALE"
    pgbench -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -i -s "$SCALE" -q "$DB" >"$BENCH_DIR/pgbench-init.log" 2>&1 \
      || die "pgbench -i failed"
    start_switchyard pg_relay postgres "$PG_PORT"
    pg_target=pg_relay
  fi

  local w round i n=${#TARGETS[@]}
  for w in "${WORKLOADS[@]}"; do
    log "workload $w"
    for ((round = 1; round <= ROUNDS; round++)); do
      for ((i = 0; i < n; i++)); do run_one "$w" "${TARGETS[$(((round - 1 + i) % n))]}" "$round"; done
      # The PostgreSQL reference is a point-select workload: measured beside oltp_point_select.
      if [ -n "$pg_target" ] && [ "$w" = oltp_point_select ]; then
        for t in pg_direct pg_relay; do run_one "$w" "$t" "$round"; done
      fi
    done
    count_syscalls "$w" switchyard
    count_syscalls "$w" switchyard_dual
    if [ -n "$pg_target" ] && [ "$w" = oltp_point_select ]; then count_syscalls "$w" pg_relay; fi
  done
  LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "$OUT" ]; then report | tee "$OUT"; else report; fi
}

main "$@"
