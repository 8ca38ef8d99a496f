#!/usr/bin/env bash
# backfill_bench.sh: how fast switchyard's backfill fills a column, alone and under a concurrent
# pgbench load written through switchyard in dual_write, and how much the backfill slows pgbench.
#
# Usage:
#   bench/backfill_bench.sh                         # defaults: SCALE=10 (1M rows), DURATION=20 s per run
#   DURATION=5 SCALE=5 bench/backfill_bench.sh
#
# It starts its own PostgreSQL 15 and switchyard on free 127.0.0.1 ports (61000-61999) in a temp
# directory, runs `pgbench -i -s $SCALE`, and migrates pgbench_accounts.abalance -> balance
# (rename_column, `switchyard expand` adds the column). Then, each for DURATION seconds:
#   1. baseline: pgbench TPC-B-like through switchyard (dual_write), no backfill;
#   2. backfill alone: `switchyard backfill`, stopped (SIGTERM) after DURATION if not done;
#   3. both at once: the backfill runs while pgbench runs.
# The column and the checkpoint are reset between runs (DROP/ADD COLUMN, VACUUM, --restart).
# Rows/s is rows walked / wall time. Prints a markdown table with ratios on stdout.
#
# Environment:
#   SCALE=10 DURATION=20 CLIENTS=4 JOBS=2 BATCH_ROWS=1000 FSYNC=off
#   SWITCHYARD_BIN   the switchyard binary (default build/switchyard)
#   PG_BIN           PostgreSQL bin dir (default /usr/lib/postgresql/15/bin)
#   KEEP_BENCH_DIR=1 keep the temp directory (logs)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SCALE="${SCALE:-10}"
DURATION="${DURATION:-20}"
CLIENTS="${CLIENTS:-4}"
JOBS="${JOBS:-2}"
BATCH_ROWS="${BATCH_ROWS:-1000}"
FSYNC="${FSYNC:-off}"
SWITCHYARD_BIN="${SWITCHYARD_BIN:-$REPO_ROOT/build/switchyard}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"
DB=bench
BENCH_NAME=backfill_bench
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

BENCH_DIR=""
PGDATA=""
PG_STARTED=0
SY_PID=""
BF_PID=""

cleanup() {
  local rc=$?
  [ -n "$BF_PID" ] && stop_pid "$BF_PID" backfill 10
  [ -n "$SY_PID" ] && stop_pid "$SY_PID" switchyard 10
  if [ "$PG_STARTED" = 1 ]; then as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast -t 60 >/dev/null || log "pg_ctl stop failed"; fi
  if [ -n "$BENCH_DIR" ]; then
    if [ "$KEEP_BENCH_DIR" = 1 ] || [ $rc -ne 0 ]; then log "kept $BENCH_DIR"; else rm -rf "$BENCH_DIR"; fi
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

free_port() {
  local p
  for p in $(shuf -i 61000-61999 -n 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ "$p" != "${PG_PORT:-}" ]; then echo "$p"; return; fi
  done
  die "no free port in 61000-61999"
}

[ -x "$SWITCHYARD_BIN" ] || die "no switchyard binary at $SWITCHYARD_BIN (build it, or set SWITCHYARD_BIN)"
BENCH_DIR="$(mktemp -d /tmp/backfill-bench-XXXXXX)"
chmod 755 "$BENCH_DIR"
PGDATA="$BENCH_DIR/pgdata"
PG_PORT="$(free_port)"
SY_PORT="$(free_port)"

log "initdb and start PostgreSQL on port $PG_PORT"
mkdir -p "$PGDATA"; give_to_pg "$BENCH_DIR"
as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust >"$BENCH_DIR/initdb.log" 2>&1 || die "initdb failed"
as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$BENCH_DIR/postgres.log" -w -t 60 start \
  -o "-p $PG_PORT -k $BENCH_DIR -c listen_addresses=127.0.0.1 -c fsync=$FSYNC -c shared_buffers=256MB" >/dev/null \
  || die "PostgreSQL did not start"
PG_STARTED=1
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE $DB" >/dev/null
log "pgbench -i -s $SCALE"
"$PG_BIN/pgbench" -i -q -s "$SCALE" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB" >"$BENCH_DIR/init.log" 2>&1 || die "pgbench -i failed"

CONFIG="$BENCH_DIR/switchyard.yaml"
cat >"$CONFIG" <<YAML
listen: 127.0.0.1:$SY_PORT
upstream: 127.0.0.1:$PG_PORT
log: {level: warn}
control: "host=127.0.0.1 port=$PG_PORT dbname=$DB user=postgres"
migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: dual_write
YAML
"$SWITCHYARD_BIN" expand --config "$CONFIG" accounts-balance >"$BENCH_DIR/expand.log" 2>&1 || die "expand failed"
"$SWITCHYARD_BIN" --config "$CONFIG" >"$BENCH_DIR/switchyard.log" 2>&1 &
SY_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SY_PORT") 2>/dev/null && break; sleep 0.1; done

reset_column() {
  psql -d "$DB" -c "ALTER TABLE pgbench_accounts DROP COLUMN balance" -c "ALTER TABLE pgbench_accounts ADD COLUMN balance int" \
    -c "VACUUM pgbench_accounts" -c "CHECKPOINT" >/dev/null
  # switchyard re-reads nothing on its own: restart it so its catalog has the new column.
  stop_pid "$SY_PID" switchyard 10
  "$SWITCHYARD_BIN" --config "$CONFIG" >>"$BENCH_DIR/switchyard.log" 2>&1 &
  SY_PID=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SY_PORT") 2>/dev/null && break; sleep 0.1; done
}

# run_pgbench NAME: TPC-B-like through switchyard for DURATION; prints "tps latency_ms".
run_pgbench() {
  "$PG_BIN/pgbench" -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" -M prepared -h 127.0.0.1 -p "$SY_PORT" -U postgres "$DB" \
    >"$BENCH_DIR/pgbench-$1.log" 2>&1 || die "pgbench $1 failed (see $BENCH_DIR/pgbench-$1.log)"
  awk '/^latency average/ {lat=$4} /^tps/ {tps=$3} END {print tps, lat}' "$BENCH_DIR/pgbench-$1.log"
}

# start_backfill NAME / finish_backfill NAME: the latter sets BF_ROWS and BF_RATE (rows/s).
start_backfill() {
  BF_START=$(date +%s.%N)
  "$SWITCHYARD_BIN" backfill --config "$CONFIG" accounts-balance --restart --batch-rows "$BATCH_ROWS" \
    >"$BENCH_DIR/backfill-$1.log" 2>&1 &
  BF_PID=$!
}
finish_backfill() {
  local end
  if pid_alive "$BF_PID"; then kill -TERM "$BF_PID"; fi
  wait "$BF_PID" 2>/dev/null || true
  end=$(date +%s.%N)
  BF_PID=""
  BF_ROWS=$(sed -n 's/.*rows walked (\([0-9]*\) in this run).*/\1/p' "$BENCH_DIR/backfill-$1.log" | tail -1)
  [ -n "$BF_ROWS" ] || die "backfill $1 printed no result (see $BENCH_DIR/backfill-$1.log)"
  BF_RATE=$(awk -v r="$BF_ROWS" -v s="$BF_START" -v e="$end" 'BEGIN {printf "%.0f", r / (e - s)}')
}

log "1/3 baseline: pgbench alone for ${DURATION}s"
read -r BASE_TPS BASE_LAT < <(run_pgbench baseline)
reset_column
log "2/3 backfill alone for up to ${DURATION}s"
start_backfill alone
for _ in $(seq $((DURATION * 10))); do pid_alive "$BF_PID" || break; sleep 0.1; done
finish_backfill alone
ALONE_ROWS=$BF_ROWS ALONE_RATE=$BF_RATE
reset_column
log "3/3 backfill and pgbench together for ${DURATION}s"
start_backfill loaded
read -r LOAD_TPS LOAD_LAT < <(run_pgbench loaded)
finish_backfill loaded
LOADED_ROWS=$BF_ROWS LOADED_RATE=$BF_RATE

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<REPORT
## backfill_bench ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))
scale $SCALE ($((SCALE * 100000)) rows), ${DURATION}s per run, pgbench -c $CLIENTS -j $JOBS -M prepared through switchyard (dual_write), --batch-rows $BATCH_ROWS, fsync=$FSYNC

| measure | alone | with the other running | ratio |
|---|---|---|---|
| backfill rows/s | $ALONE_RATE ($ALONE_ROWS rows) | $LOADED_RATE ($LOADED_ROWS rows) | $(ratio "$LOADED_RATE" "$ALONE_RATE") |
| pgbench TPS | $BASE_TPS | $LOAD_TPS | $(ratio "$LOAD_TPS" "$BASE_TPS") |
| pgbench avg latency ms | $BASE_LAT | $LOAD_LAT | $(ratio "$LOAD_LAT" "$BASE_LAT") |
REPORT
