#!/usr/bin/env bash
# binary_ab.sh: does a change to switchyard cost anything measurable? Two switchyard binaries, old and
# new, measured interleaved with pgbench, with no migration (pass-through) and with the dual_write
# migration, by TPS and by the proxy's own CPU time per transaction.
#
# Usage:
#   OLD_CMD=/work/wt/base7b/build/switchyard bench/binary_ab.sh
#   DURATION=5 ROUNDS=1 OLD_CMD=... NEW_CMD=... OUT=/tmp/ab.md bench/binary_ab.sh
#
# It starts, on free 127.0.0.1 ports in a temporary directory: PostgreSQL 15 (as the postgres user
# when run as root) with `pgbench -i -s $SCALE` plus pgbench_accounts.balance = abalance, and four
# switchyards at once: old and new with no migration, old_dw and new_dw with the migration
# pgbench_accounts rename_column abalance -> balance in phase dual_write. For each workload in
# WORKLOADS it runs pgbench ROUNDS times against each, in the order old new old_dw new_dw in odd
# rounds and reversed in even ones (ABBA), so neither binary always goes first. Before every run: VACUUM of the small tables, TRUNCATE pgbench_history, CHECKPOINT, directly
# on PostgreSQL. The proxy's CPU time is utime + stime of all its threads (/proc/PID/stat) over the run,
# divided by the transactions pgbench completed. Idle proxies cost nothing while another is measured.
#
# Output: a markdown table (workload | setup | old TPS | new TPS | new/old | old µs/tx | new µs/tx | new/old |
# old and new syscalls per query, from a short run of SYSCALL_TXNS transactions per client, 4 clients,
# under `strace -c -f` after the timed rounds) of medians on stdout (and into $OUT), then each round's
# numbers and the counted calls. Progress goes to stderr.
#
# Environment:
#   OLD_CMD (required)      the baseline, run as `$OLD_CMD --config FILE`
#   NEW_CMD                 the candidate (default build/switchyard)
#   WORKLOADS               ";"-separated pgbench flags (default "-S -M prepared;-S -M extended;-M prepared")
#   TARGETS                 a subset of "old new old_dw new_dw" (default all four), in that order
#   CLIENTS=8 JOBS=2 DURATION=15 ROUNDS=3 SCALE=10 FSYNC=off SYSCALL_TXNS=500 (0: no counted run)
#   SWITCHYARD_THREADS=0 SWITCHYARD_LOG_LEVEL=warn
#   OLD_THREADS, NEW_THREADS  `threads:` of each binary (default SWITCHYARD_THREADS): with OLD_CMD=NEW_CMD
#                           this measures the worker thread count instead of a change
#   OUT=path  KEEP_BENCH_DIR=1  PG_BIN
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
OLD_CMD="${OLD_CMD:-}"
NEW_CMD="${NEW_CMD:-$REPO_ROOT/build/switchyard}"
CLIENTS="${CLIENTS:-8}"
JOBS="${JOBS:-2}"
DURATION="${DURATION:-15}"
ROUNDS="${ROUNDS:-3}"
SCALE="${SCALE:-10}"
FSYNC="${FSYNC:-off}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
OLD_THREADS="${OLD_THREADS:-$SWITCHYARD_THREADS}"
NEW_THREADS="${NEW_THREADS:-$SWITCHYARD_THREADS}"
SWITCHYARD_LOG_LEVEL="${SWITCHYARD_LOG_LEVEL:-warn}"
SYSCALL_TXNS="${SYSCALL_TXNS:-500}"
OUT="${OUT:-}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"
IFS=';' read -r -a WORKLOADS <<<"${WORKLOADS:--S -M prepared;-S -M extended;-M prepared}"

DB=bench
PG_USER=postgres
SHARED_BUFFERS=256MB
MAX_CONNECTIONS=$((3 * CLIENTS + 20))
read -r -a TARGETS <<<"${TARGETS:-old new old_dw new_dw}"

BENCH_DIR=""
PGBENCH_PID=""
LOAD_BEFORE=""
LOAD_AFTER=""
DIVERGED=0
declare -A PORT SY_PID

BENCH_NAME=binary_ab
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$? t
  trap - EXIT INT TERM
  if [ -n "$PGBENCH_PID" ]; then stop_pid "$PGBENCH_PID" pgbench 5; fi
  for t in "${TARGETS[@]}"; do
    if [ -n "${SY_PID[$t]:-}" ]; then stop_pid "${SY_PID[$t]}" "switchyard $t" 15; log "switchyard $t stopped"; fi
  done
  finish_bench "$rc"
}

# start_switchyard TARGET: old* runs OLD_CMD, new* NEW_CMD; *_dw adds the dual_write migration.
start_switchyard() {
  local t=$1 cmdline threads
  case "$t" in old*) cmdline=$OLD_CMD threads=$OLD_THREADS ;; *) cmdline=$NEW_CMD threads=$NEW_THREADS ;; esac
  local -a cmd
  read -r -a cmd <<<"$cmdline"
  command -v "${cmd[0]}" >/dev/null || die "${cmd[0]} not found"
  cat >"$BENCH_DIR/$t.yaml" <<EOF
listen: 127.0.0.1:${PORT[$t]}
upstream: 127.0.0.1:$PG_PORT
threads: $threads
log:
  level: $SWITCHYARD_LOG_LEVEL
  format: text
limits:
  max_message_bytes: 67108864
  connect_timeout_ms: 5000
  drain_timeout_ms: 2000
EOF
  if [[ "$t" == *_dw ]]; then
    cat >>"$BENCH_DIR/$t.yaml" <<EOF
control: "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER"
migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: dual_write
EOF
  fi
  log "starting $t ($cmdline) on 127.0.0.1:${PORT[$t]}"
  "${cmd[@]}" --config "$BENCH_DIR/$t.yaml" >"$BENCH_DIR/$t.log" 2>&1 &
  SY_PID[$t]=$!
  wait_ready "${PORT[$t]}" "$t" "${SY_PID[$t]}"
}

# run_one W TARGET ROUND: one pgbench run; appends "w target round tps latency cpu_us_tx" to results.tsv.
run_one() {
  local w=$1 t=$2 round=$3 out="$BENCH_DIR/runs/w$1-$2-r$3.log" rc=0 pid=${SY_PID[$2]}
  local -a flags
  read -r -a flags <<<"${WORKLOADS[$w]}"
  # The migration-less targets write abalance only: every run starts with balance in step.
  sql -c "UPDATE pgbench_accounts SET balance = abalance WHERE balance IS DISTINCT FROM abalance" >/dev/null
  reset_state
  local cpu0 cpu1 tps lat tx failed aborted
  cpu0="$(cpu_ticks "$pid")"
  pgbench -h 127.0.0.1 -p "${PORT[$t]}" -U "$PG_USER" -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" \
    "${flags[@]}" "$DB" >"$out" 2>&1 &
  PGBENCH_PID=$!
  wait "$PGBENCH_PID" || rc=$?
  PGBENCH_PID=""
  pid_alive "$pid" || { tail -n 30 "$BENCH_DIR/$t.log" >&2; die "switchyard $t exited"; }
  cpu1="$(cpu_ticks "$pid")"
  tps="$(pgbench_field "$out" tps)"
  lat="$(pgbench_field "$out" latency)"
  tx="$(pgbench_field "$out" transactions)"
  failed="$(pgbench_field "$out" failed)"
  aborted="$(pgbench_field "$out" aborted)"
  if [ -z "$tps" ] || [ -z "$tx" ]; then tail -n 20 "$out" >&2; die "could not parse $out (exit $rc)"; fi
  if [ "$rc" -ne 0 ] || [ "$aborted" != 0 ] || [ "${failed:-0}" != 0 ]; then
    log "warning: exit $rc, failed ${failed:-?}, aborted $aborted in $out"
    KEEP_BENCH_DIR=1
  fi
  if [[ "$t" == *_dw ]]; then
    local d
    d="$(diverged_rows)"
    DIVERGED=$((DIVERGED + d))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$t" "$round" "$tps" "$lat" "$(us_per_tx "$((cpu1 - cpu0))" "$tx")" \
    >>"$BENCH_DIR/results.tsv"
  log "  round $round/$ROUNDS '${WORKLOADS[$w]}' $t: $tps tps, $lat ms, $(us_per_tx "$((cpu1 - cpu0))" "$tx") µs/tx"
}

# count_syscalls W TARGET: a short run under strace -c; appends "w<TAB>target<TAB>per query<TAB>top calls"
# to syscalls.tsv.
count_syscalls() {
  local w=$1 t=$2 trace="$BENCH_DIR/runs/strace-w$1-$2.txt"
  [ "$SYSCALL_TXNS" -gt 0 ] && command -v strace >/dev/null || return 0
  local -a flags
  read -r -a flags <<<"${WORKLOADS[$w]}"
  reset_state
  strace_attach "${SY_PID[$t]}" "$trace"
  pgbench -h 127.0.0.1 -p "${PORT[$t]}" -U "$PG_USER" -n -c 4 -j 2 -t "$SYSCALL_TXNS" "${flags[@]}" "$DB" \
    >"$BENCH_DIR/runs/strace-w$w-$t-pgbench.log" 2>&1 || log "warning: the counted run against $t failed"
  strace_detach
  # A TPC-B transaction is 7 statements; -S is one.
  local per_tx=1
  [[ " ${flags[*]} " == *" -S "* ]] || per_tx=7
  printf '%s\t%s\t%s\n' "$w" "$t" "$(syscalls_per_query "$trace" "$((4 * SYSCALL_TXNS * per_tx))")" >>"$BENCH_DIR/syscalls.tsv"
}
syscalls() { awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t {print $f}' "$BENCH_DIR/syscalls.tsv"; }

# values W TARGET FIELD: FIELD (4 tps, 5 latency, 6 µs/tx) over the rounds, one per line.
values() { awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t {print $f}' "$BENCH_DIR/results.tsv"; }
med() { values "$@" | median; }

# shellcheck disable=SC2016  # the backticks are markdown
report() {
  local w setup o n
  echo "## A/B: old vs new switchyard binary"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(machine_line)"
  echo "- software: $("$PG_BIN/postgres" --version), $(pgbench --version)"
  echo "- old: \`$OLD_CMD\`; new: \`$NEW_CMD\`; threads: old $OLD_THREADS, new $NEW_THREADS, log level: $SWITCHYARD_LOG_LEVEL"
  echo "- PostgreSQL: shared_buffers=$SHARED_BUFFERS, fsync=$FSYNC; dual_write = pgbench_accounts rename_column abalance→balance"
  echo "- pgbench: scale $SCALE, -c $CLIENTS -j $JOBS -T $DURATION, $ROUNDS round(s) per target, ABBA order; medians shown"
  echo "- load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER"
  echo
  echo "| workload | setup | old TPS | new TPS | new/old TPS | old proxy CPU µs/tx | new proxy CPU µs/tx | new/old µs/tx | old syscalls/query | new syscalls/query |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for w in "${!WORKLOADS[@]}"; do
    for setup in "" _dw; do
      o="old$setup" n="new$setup"
      [[ " ${TARGETS[*]} " == *" $o "* && " ${TARGETS[*]} " == *" $n "* ]] || continue
      printf '| `%s` | %s | %.0f | %.0f | %s | %.1f | %.1f | %s | %s | %s |\n' "${WORKLOADS[$w]}" \
        "$([ -z "$setup" ] && echo "no migration" || echo dual_write)" \
        "$(med "$w" "$o" 4)" "$(med "$w" "$n" 4)" "$(ratio "$(med "$w" "$n" 4)" "$(med "$w" "$o" 4)")" \
        "$(med "$w" "$o" 6)" "$(med "$w" "$n" 6)" "$(ratio "$(med "$w" "$n" 6)" "$(med "$w" "$o" 6)")" \
        "$(syscalls "$w" "$o" 3)" "$(syscalls "$w" "$n" 3)"
    done
  done
  echo
  echo "- rows where abalance and balance differed after the dual_write runs (summed): $DIVERGED"
  echo
  echo "Each round (round 1 first), TPS / proxy CPU µs per transaction:"
  echo
  for w in "${!WORKLOADS[@]}"; do
    for t in "${TARGETS[@]}"; do
      printf -- '- `%s` %s: %s\n' "${WORKLOADS[$w]}" "$t" \
        "$(awk -F'\t' -v w="$w" -v t="$t" '$1 == w && $2 == t {printf "%s%.0f / %s", (n++ ? ", " : ""), $4, $6}' "$BENCH_DIR/results.tsv")"
    done
  done
  if [ -s "$BENCH_DIR/syscalls.tsv" ]; then
    echo
    echo "System calls per query under strace -c (4 clients, $SYSCALL_TXNS transactions each; calls made at least 0.1 times a query):"
    echo
    for w in "${!WORKLOADS[@]}"; do
      for t in "${TARGETS[@]}"; do
        printf -- '- `%s` %s: %s (%s)\n' "${WORKLOADS[$w]}" "$t" "$(syscalls "$w" "$t" 3)" "$(syscalls "$w" "$t" 4)"
      done
    done
  fi
}

main() {
  [ -n "$OLD_CMD" ] || die "set OLD_CMD to the baseline switchyard binary"
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (set PG_BIN)"
  local tool t w round i n=${#TARGETS[@]}
  for tool in psql pgbench python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user"; fi

  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-ab.XXXXXX")"
  chmod 755 "$BENCH_DIR"
  mkdir -p "$BENCH_DIR/runs"
  : >"$BENCH_DIR/results.tsv"
  : >"$BENCH_DIR/syscalls.tsv"
  PG_PORT="$(free_port)"
  for t in "${TARGETS[@]}"; do PORT[$t]="$(free_port)"; done

  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  local runs=$((${#WORKLOADS[@]} * n * ROUNDS))
  log "working in $BENCH_DIR; $runs runs of ${DURATION}s (~$(((runs * (DURATION + 3) + 59) / 60)) min); load average $LOAD_BEFORE"
  start_postgres
  init_pgbench
  for t in "${TARGETS[@]}"; do start_switchyard "$t"; done

  for w in "${!WORKLOADS[@]}"; do
    log "workload ${WORKLOADS[$w]}"
    for ((round = 1; round <= ROUNDS; round++)); do
      for ((i = 0; i < n; i++)); do
        if ((round % 2)); then t=${TARGETS[$i]}; else t=${TARGETS[$((n - 1 - i))]}; fi
        run_one "$w" "$t" "$round"
      done
    done
    for t in "${TARGETS[@]}"; do count_syscalls "$w" "$t"; done
  done
  LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

  if [ -n "$OUT" ]; then report | tee "$OUT"; log "report written to $OUT"; else report; fi
}

main "$@"
