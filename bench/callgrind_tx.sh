#!/usr/bin/env bash
# callgrind_tx.sh: the proxy's own user-space instructions per transaction, counted by callgrind,
# for two switchyard binaries (before and after a change). Counts do not move with the load of a
# shared host the way time does, so a small difference in cost can be measured there.
#
# Usage:
#   OLD_CMD=/tmp/before/switchyard bench/callgrind_tx.sh
#   SMALL=100 LARGE=400 WORKLOADS="-S -M simple;-M prepared" OLD_CMD=... NEW_CMD=... bench/callgrind_tx.sh
#
# It starts PostgreSQL 15 with `pgbench -i -s 1` plus pgbench_accounts.balance (bench/lib/pg_fixture.sh),
# then, one at a time, each binary under `valgrind --tool=callgrind` (threads: 1), with no migration
# and with the dual_write migration pgbench_accounts rename_column abalance -> balance. For each
# workload: counters zeroed (callgrind_control -z), one pgbench client runs SMALL transactions,
# counters dumped; the same with LARGE; instructions per transaction = (large - small) /
# (LARGE - SMALL), so connecting and start-up cancel out.
#
# Output: a markdown table (workload | setup | old | new | new/old) on stdout. Progress on stderr.
# Environment: OLD_CMD (required), NEW_CMD (default build/switchyard), WORKLOADS (";"-separated
# pgbench flags, default "-S -M simple;-M prepared"), SMALL=100, LARGE=400, TARGETS (default
# "old new"; one of them alone measures that binary only), PG_BIN, KEEP_BENCH_DIR=1.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
OLD_CMD="${OLD_CMD:-}"
NEW_CMD="${NEW_CMD:-$REPO_ROOT/build/switchyard}"
SMALL="${SMALL:-100}"
LARGE="${LARGE:-400}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"
read -r -a TARGETS <<<"${TARGETS:-old new}"
IFS=';' read -r -a WORKLOADS <<<"${WORKLOADS:--S -M simple;-M prepared}"
DB=bench
PG_USER=postgres
SCALE=1
FSYNC=off
SHARED_BUFFERS=128MB
MAX_CONNECTIONS=20
BENCH_DIR=""
SY_PID=""
declare -A RESULT

BENCH_NAME=callgrind_tx
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SY_PID" ]; then stop_pid "$SY_PID" switchyard 60; fi
  finish_bench "$rc"
}

# totals FILE: the instruction count of one callgrind dump.
totals() { awk '/^(totals|summary):/ {print $2; exit}' "$1"; }

# counted PID N FLAGS...: instructions the proxy spent on N transactions of one pgbench client.
counted() {
  local pid=$1 n=$2 before after file
  shift 2
  callgrind_control -z "$pid" >/dev/null
  pgbench -h 127.0.0.1 -p "$SY_PORT" -U "$PG_USER" -n -c 1 -t "$n" "$@" "$DB" >"$BENCH_DIR/pgbench.log" 2>&1 \
    || { cat "$BENCH_DIR/pgbench.log" >&2; die "pgbench failed"; }
  grep -q "number of failed transactions: 0" "$BENCH_DIR/pgbench.log" || grep -q "^tps" "$BENCH_DIR/pgbench.log" \
    || die "pgbench did not finish; see $BENCH_DIR/pgbench.log"
  before="$(find "$BENCH_DIR" -name 'cg.out.*' | wc -l)"
  callgrind_control -d "$pid" >/dev/null
  for _ in $(seq 100); do
    after="$(find "$BENCH_DIR" -name 'cg.out.*' | wc -l)"
    [ "$after" -gt "$before" ] && break
    sleep 0.2
  done
  file="$(find "$BENCH_DIR" -name 'cg.out.*' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)"
  totals "$file"
}

# measure WHICH SETUP: starts the binary under callgrind and counts every workload.
measure() {
  local which=$1 setup=$2 cmdline w small large
  case "$which" in old) cmdline=$OLD_CMD ;; *) cmdline=$NEW_CMD ;; esac
  local -a cmd
  read -r -a cmd <<<"$cmdline"
  SY_PORT="$(free_port)"
  cat >"$BENCH_DIR/$which-$setup.yaml" <<EOF
listen: 127.0.0.1:$SY_PORT
upstream: 127.0.0.1:$PG_PORT
threads: 1
log:
  level: warn
limits:
  connect_timeout_ms: 20000
EOF
  if [ "$setup" = dual_write ]; then
    cat >>"$BENCH_DIR/$which-$setup.yaml" <<EOF
control: "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER"
migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: dual_write
EOF
  fi
  log "$which $setup: $cmdline under callgrind"
  valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/cg.out.%p" "${cmd[@]}" \
    --config "$BENCH_DIR/$which-$setup.yaml" >"$BENCH_DIR/$which-$setup.log" 2>&1 &
  SY_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    pid_alive "$SY_PID" || { tail -n 20 "$BENCH_DIR/$which-$setup.log" >&2; die "switchyard exited"; }
    psql "host=127.0.0.1 port=$SY_PORT dbname=$DB user=$PG_USER connect_timeout=5" -qXAt -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  for w in "${!WORKLOADS[@]}"; do
    local -a flags
    read -r -a flags <<<"${WORKLOADS[$w]}"
    counted "$SY_PID" 20 "${flags[@]}" >/dev/null  # warm: the rewrite cache, the pools
    small="$(counted "$SY_PID" "$SMALL" "${flags[@]}")"
    large="$(counted "$SY_PID" "$LARGE" "${flags[@]}")"
    RESULT[$w,$which,$setup]=$(((large - small) / (LARGE - SMALL)))
    log "  '${WORKLOADS[$w]}': $small for $SMALL, $large for $LARGE: ${RESULT[$w,$which,$setup]} per transaction"
  done
  stop_pid "$SY_PID" switchyard 60
  SY_PID=""
}

main() {
  [[ " ${TARGETS[*]} " != *" old "* || -n "$OLD_CMD" ]] || die "set OLD_CMD to the baseline switchyard binary"
  local tool w setup t
  for tool in psql pgbench python3 valgrind callgrind_control; do command -v "$tool" >/dev/null || die "$tool not found"; done
  BENCH_DIR="$(mktemp -d /tmp/callgrind_tx.XXXXXX)"
  chmod 755 "$BENCH_DIR"
  trap cleanup EXIT INT TERM
  PG_PORT="$(free_port)"
  start_postgres
  init_pgbench
  for setup in none dual_write; do
    for t in "${TARGETS[@]}"; do measure "$t" "$setup"; done
  done
  echo "| workload | setup | old instructions/tx | new instructions/tx | new/old |"
  echo "|---|---|---:|---:|---:|"
  for w in "${!WORKLOADS[@]}"; do
    for setup in none dual_write; do
      printf '| `%s` | %s | %s | %s | %s |\n' "${WORKLOADS[$w]}" "$([ "$setup" = none ] && echo "no migration" || echo dual_write)" \
        "${RESULT[$w,old,$setup]:-}" "${RESULT[$w,new,$setup]:-}" "$(ratio "${RESULT[$w,new,$setup]:-0}" "${RESULT[$w,old,$setup]:-0}")"
    done
  done
}

main "$@"
