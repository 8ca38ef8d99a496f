#!/usr/bin/env bash
# pgbench_compare.sh: measure switchyard's overhead against direct PostgreSQL and PgBouncer with pgbench.
#
# Usage:
#   bench/pgbench_compare.sh                      # defaults: 8 clients, 2 threads, 15 s per run, 3 rounds
#   DURATION=5 ROUNDS=1 OUT=bench/results.md bench/pgbench_compare.sh
#
# It starts everything itself, on free 127.0.0.1 ports, in a temporary directory:
#   - PostgreSQL 15 (shared_buffers=256MB, max_connections=100 or 3*CLIENTS+10 if more, fsync per $FSYNC),
#     `pgbench -i -s $SCALE` once, tables prewarmed;
#   - PgBouncer in session mode (pool_size = clients), trust auth on loopback;
#   - switchyard (build/switchyard) with `threads: $SWITCHYARD_THREADS`.
# For each workload (-S -M simple, -S -M prepared, TPC-B-like -M simple and -M prepared) it runs pgbench ROUNDS times against
# each target, round-robin (the starting target rotates every round), and reports the median TPS per target.
# Before every run it vacuums the small tables, truncates pgbench_history and checkpoints, directly on
# PostgreSQL (what pgbench does itself without -n), so every target starts from the same state.
#
# Output: machine description and a markdown table (workload | target | TPS | avg latency ms | ratio to
# direct | the proxy's own CPU µs per transaction, from /proc/PID/stat over each run | syscalls per query,
# from a short run of SYSCALL_TXNS transactions per client under `strace -c -f` after the timed rounds)
# on stdout, and also into $OUT when set. Progress goes to stderr. Everything started is stopped on exit.
#
# Environment:
#   CLIENTS=8  JOBS=2  DURATION=15  ROUNDS=3  SCALE=10
#   FSYNC=off                 PostgreSQL fsync setting (on|off); printed with the results
#   SWITCHYARD_THREADS=0      switchyard `threads:` (0 = one per core)
#   SWITCHYARD_LOG_LEVEL=warn switchyard `log.level` during the benchmark
#   SWITCHYARD_CMD            command for the switchyard target, run as `$SWITCHYARD_CMD --config FILE`
#                             (default: build/switchyard). The special value `pgbouncer` runs a second
#                             PgBouncer in that slot: a stand-in for testing this script without the proxy.
#   TARGETS="..."             targets to measure, space-separated, from: direct pgbouncer switchyard
#                             switchyard_dw switchyard_sh10 switchyard_sh100 (default: the first four).
#                             The _sh targets run the dual_write migration in phase shadow with 10% / 100%
#                             of reads sampled (proxy/shadow.h); their ratio to switchyard_dw is the cost of
#                             shadow reads. direct is always measured (every ratio needs it).
#   OUT=path                  also write the report to this file
#   KEEP_BENCH_DIR=1          keep the temporary directory (logs, raw pgbench output); kept anyway on failure
#   PG_BIN                    PostgreSQL bin dir (default /usr/lib/postgresql/15/bin)
#
# PostgreSQL and PgBouncer refuse to run as root: when run as root they run as the `postgres` OS user.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
CLIENTS="${CLIENTS:-8}"
JOBS="${JOBS:-2}"
DURATION="${DURATION:-15}"
ROUNDS="${ROUNDS:-3}"
SCALE="${SCALE:-10}"
FSYNC="${FSYNC:-off}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
SWITCHYARD_LOG_LEVEL="${SWITCHYARD_LOG_LEVEL:-warn}"
SWITCHYARD_CMD="${SWITCHYARD_CMD:-$REPO_ROOT/build/switchyard}"
OUT="${OUT:-}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"

DB=bench
PG_USER=postgres
SHARED_BUFFERS=256MB
MAX_CONNECTIONS=100

read -r -a TARGETS <<<"${TARGETS:-direct pgbouncer switchyard switchyard_dw}"
[[ " ${TARGETS[*]} " == *" direct "* ]] || TARGETS=(direct "${TARGETS[@]}")
has_target() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
WORKLOAD_NAMES=("-S -M simple" "-S -M prepared" "tpcb-like -M simple" "tpcb-like -M prepared")
WORKLOAD_FLAGS=("-S -M simple" "-S -M prepared" "-M simple" "-M prepared")
WORKLOAD_STATEMENTS=(1 1 7 7)  # statements per transaction, for syscalls per query

BENCH_DIR=""
PGB_PIDFILES=()   # one per PgBouncer instance we started
SY_PIDS=()        # switchyard instances we started
PGBENCH_PID=""    # the pgbench run in progress
LOAD_BEFORE=""
LOAD_AFTER=""
DIVERGED=""
declare -A PORT   # target -> port
declare -A PROC_PID  # target -> the pid of its proxy process (none for direct)
SYSCALL_TXNS="${SYSCALL_TXNS:-500}"  # transactions per client of the short counted run (strace -c)

BENCH_NAME=pgbench_compare
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"


# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$? f
  trap - EXIT INT TERM
  if [ -n "$PGBENCH_PID" ]; then stop_pid "$PGBENCH_PID" pgbench 5; fi
  local sy
  for sy in "${SY_PIDS[@]}"; do
    stop_pid "$sy" switchyard 15
    log "switchyard $sy stopped"
  done
  for f in "${PGB_PIDFILES[@]}"; do
    if [ -s "$f" ]; then stop_pid "$(cat "$f")" pgbouncer 10; fi
  done
  if [ "${#PGB_PIDFILES[@]}" -gt 0 ]; then log "pgbouncer stopped"; fi
  finish_bench "$rc"
}

# start_pgbouncer NAME PORT: session-mode PgBouncer in $BENCH_DIR/NAME, listening on 127.0.0.1:PORT.
start_pgbouncer() {
  local name=$1 port=$2 dir="$BENCH_DIR/$1"
  log "starting $name (PgBouncer, session mode) on 127.0.0.1:$port"
  PGB_PIDFILES+=("$dir/pgbouncer.pid")
  start_pgbouncer_in "$dir" "$port" "$CLIENTS"
  wait_ready "$port" "$name" "$(cat "$dir/pgbouncer.pid")"
  PROC_PID[$name]="$(cat "$dir/pgbouncer.pid")"
}

# start_switchyard TARGET [EXTRA_YAML]: a switchyard for TARGET's port; EXTRA_YAML is appended.
start_switchyard() {
  local target=${1:-switchyard} extra=${2:-} port=${PORT[${1:-switchyard}]}
  if [ "$SWITCHYARD_CMD" = pgbouncer ]; then
    log "SWITCHYARD_CMD=pgbouncer: a second PgBouncer stands in for switchyard"
    start_pgbouncer "$target-standin" "$port"
    PROC_PID[$target]="${PROC_PID[$target-standin]}"
    return
  fi
  local -a cmd
  read -r -a cmd <<<"$SWITCHYARD_CMD"
  command -v "${cmd[0]}" >/dev/null \
    || die "${cmd[0]} not found; build it (cmake -S . -B build -G Ninja && cmake --build build) or set SWITCHYARD_CMD"
  cat >"$BENCH_DIR/$target.yaml" <<EOF
listen: 127.0.0.1:$port
upstream: 127.0.0.1:${PORT[direct]}
threads: $SWITCHYARD_THREADS
log:
  level: $SWITCHYARD_LOG_LEVEL
  format: text
limits:
  max_message_bytes: 67108864
  connect_timeout_ms: 5000
  drain_timeout_ms: 2000
$extra
EOF
  log "starting $target on 127.0.0.1:$port (threads: $SWITCHYARD_THREADS)"
  "${cmd[@]}" --config "$BENCH_DIR/$target.yaml" >"$BENCH_DIR/$target.log" 2>&1 &
  SY_PIDS+=($!)
  PROC_PID[$target]=$!
  wait_ready "$port" "$target" "$!"
}

DUAL_WRITE_YAML='control: "host=127.0.0.1 port=PGPORT dbname=bench user=postgres"
migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: dual_write'

# The dual_write migration in phase shadow, `percent` of reads sampled, with an admin server so
# the report can show what the shadow executor did (matched, skipped because its queue was full).
shadow_yaml() {
  local pct=$1
  printf '%s
' "${DUAL_WRITE_YAML//PGPORT/${PORT[direct]}}" | sed 's/phase: dual_write/phase: shadow/'
  printf '    shadow: {sample_percent: %s}
admin: {listen: 127.0.0.1:%s}
' "$pct" "${PORT[admin_sh$pct]}"
}

shadow_counts() {
  python3 - "${PORT[admin_sh$1]}" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10).read().decode()
counts = {}
for line in text.splitlines():
    if line.startswith("switchyard_shadow_reads_total{"):
        result = line.split('result="')[1].split('"')[0]
        counts[result] = int(float(line.rsplit(" ", 1)[1]))
print(", ".join("%s %d" % kv for kv in sorted(counts.items())))
PY
}

# reset_state: what pgbench does before a run unless -n, done directly so every target gets the same start.
# Writes through the other targets leave balance behind abalance; every run starts in step.
reset_state() {
  sql -c "UPDATE pgbench_accounts SET balance = abalance WHERE balance IS DISTINCT FROM abalance" \
      -c "VACUUM pgbench_branches" -c "VACUUM pgbench_tellers" -c "TRUNCATE pgbench_history" -c "CHECKPOINT" \
    >/dev/null
}

# run_one WORKLOAD_INDEX TARGET ROUND: one pgbench run; appends "workload<TAB>target<TAB>tps<TAB>latency" to results.
run_one() {
  local w=$1 target=$2 round=$3 out tps lat failed
  local -a flags
  read -r -a flags <<<"${WORKLOAD_FLAGS[$w]}"
  out="$BENCH_DIR/runs/w$w-$target-r$round.log"
  reset_state
  local pid=${PROC_PID[$target]:-} ticks0=0 cpu=""
  if [ -n "$pid" ]; then ticks0="$(cpu_ticks "$pid")"; fi
  # In the background, so SIGTERM/Ctrl-C reach the trap at once rather than after the run.
  pgbench -h 127.0.0.1 -p "${PORT[$target]}" -U "$PG_USER" -n -c "$CLIENTS" -j "$JOBS" -T "$DURATION" \
    "${flags[@]}" "$DB" >"$out" 2>&1 &
  PGBENCH_PID=$!
  if ! wait "$PGBENCH_PID"; then
    PGBENCH_PID=""
    tail -n 20 "$out" >&2
    die "pgbench failed against $target (${WORKLOAD_NAMES[$w]})"
  fi
  PGBENCH_PID=""
  if [ -n "$pid" ]; then
    # The proxy's own CPU (all its threads, user + system) per transaction of this run.
    cpu="$(us_per_tx $(($(cpu_ticks "$pid") - ticks0)) "$(awk '/^number of transactions actually processed/ {split($NF, a, "/"); print a[1]; exit}' "$out")")"
  fi
  tps="$(awk '/^tps = / {print $3; exit}' "$out")"
  lat="$(awk '/^latency average = / {print $4; exit}' "$out")"
  failed="$(awk -F'[: ]+' '/^number of failed transactions/ {print $5; exit}' "$out")"
  if [ -z "$tps" ] || [ -z "$lat" ]; then die "could not parse pgbench output: $out"; fi
  if [ -n "$failed" ] && [ "$failed" != 0 ]; then log "warning: $failed failed transactions ($out)"; fi
  if [[ "$target" == switchyard_dw || "$target" == switchyard_sh* ]]; then
    # Every write of this run went through the dual-write rewrite: both columns must agree.
    local diverged
    diverged="$(sql -Atc "SELECT count(*) FROM pgbench_accounts WHERE abalance IS DISTINCT FROM balance")"
    DIVERGED=$((${DIVERGED:-0} + diverged))
    if [ "$diverged" != 0 ]; then log "warning: $diverged rows diverged after $out"; fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$w" "$target" "$tps" "$lat" "${cpu:-}" >>"$BENCH_DIR/results.tsv"
  log "  round $round/${ROUNDS} ${WORKLOAD_NAMES[$w]} $target: $tps tps, $lat ms${cpu:+, proxy $cpu us/tx}"
}

# count_syscalls WORKLOAD_INDEX TARGET: a short run of SYSCALL_TXNS transactions per client under
# strace -c on the proxy; appends "workload<TAB>target<TAB>syscalls per query<TAB>top calls".
count_syscalls() {
  local w=$1 target=$2 pid=${PROC_PID[$2]:-} trace="$BENCH_DIR/runs/strace-w$1-$2.txt"
  [ -n "$pid" ] && command -v strace >/dev/null || return 0
  local -a flags
  read -r -a flags <<<"${WORKLOAD_FLAGS[$w]}"
  reset_state
  strace_attach "$pid" "$trace"
  pgbench -h 127.0.0.1 -p "${PORT[$target]}" -U "$PG_USER" -n -c 4 -j 2 -t "$SYSCALL_TXNS" "${flags[@]}" "$DB"     >"$BENCH_DIR/runs/strace-w$w-$target-pgbench.log" 2>&1 || log "warning: the counted run against $target failed"
  strace_detach
  local queries=$((4 * SYSCALL_TXNS * WORKLOAD_STATEMENTS[w]))
  printf '%s\t%s\t%s\n' "$w" "$target" "$(syscalls_per_query "$trace" "$queries")" >>"$BENCH_DIR/syscalls.tsv"
  log "  syscalls ${WORKLOAD_NAMES[$w]} $target: $(tail -n 1 "$BENCH_DIR/syscalls.tsv" | cut -f3) per query"
}

run_all() {
  local w round i n=${#TARGETS[@]}
  mkdir -p "$BENCH_DIR/runs"
  : >"$BENCH_DIR/results.tsv"
  : >"$BENCH_DIR/syscalls.tsv"
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    log "workload ${WORKLOAD_NAMES[$w]}"
    for ((round = 1; round <= ROUNDS; round++)); do
      # Rotate the starting target each round so no target always runs first (or last).
      for ((i = 0; i < n; i++)); do
        run_one "$w" "${TARGETS[$(((round - 1 + i) % n))]}" "$round"
      done
    done
    for ((i = 0; i < n; i++)); do count_syscalls "$w" "${TARGETS[$i]}"; done
  done
}


# values_of W TARGET FIELD: the FIELD (3 = tps, 4 = latency) values of one workload/target, one per line.
values_of() { awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t {print $f}' "$BENCH_DIR/results.tsv"; }

cpu_model() {
  local m
  m="$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  [ -n "$m" ] || m="$(awk -F': *' '/^(Hardware|cpu model|Model)/ {print $2; exit}' /proc/cpuinfo)"
  echo "${m:-unknown}"
}

switchyard_label() {
  if [ "$SWITCHYARD_CMD" = pgbouncer ]; then
    echo "switchyard (stand-in: PgBouncer)"
  else
    echo "switchyard"
  fi
}

target_label() {
  case "$1" in
    switchyard) switchyard_label ;;
    switchyard_dw) echo "$(switchyard_label), dual_write abalance→balance" ;;
    switchyard_sh*) echo "$(switchyard_label), shadow abalance→balance, ${1#switchyard_sh}% of reads sampled" ;;
    *) echo "$1" ;;
  esac
}

# shellcheck disable=SC2016  # the backticks are markdown
report() {
  local w t tps lat direct_tps ratio rev
  rev="$(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo "no commit yet")"
  echo "## pgbench: direct vs PgBouncer vs switchyard"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(nproc) CPUs ($(cpu_model)), $(awk '/^MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "- software: $("$PG_BIN/postgres" --version), $(pgbouncer --version 2>/dev/null | head -n1), $(pgbench --version)"
  if [ "$SWITCHYARD_CMD" = pgbouncer ]; then
    echo "- switchyard: NOT MEASURED - a second PgBouncer stood in for it (SWITCHYARD_CMD=pgbouncer)"
  else
    echo "- switchyard: \`$SWITCHYARD_CMD\` (repo $rev), threads: $SWITCHYARD_THREADS, log level: $SWITCHYARD_LOG_LEVEL"
  fi
  echo "- PostgreSQL: shared_buffers=$SHARED_BUFFERS, max_connections=$MAX_CONNECTIONS, fsync=$FSYNC; PgBouncer: pool_mode=session, default_pool_size=$CLIENTS"
  echo "- pgbench: scale $SCALE, -c $CLIENTS -j $JOBS -T $DURATION, $ROUNDS round(s) per target, round-robin; median shown"
  echo "- everything on one host over loopback TCP: pgbench, the proxies and PostgreSQL share the CPUs"
  echo "- load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER (\"after\" includes the benchmark's own load)"
  echo
  echo "| workload | target | TPS | avg latency ms | ratio to direct | proxy CPU µs/tx | syscalls/query |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    direct_tps="$(values_of "$w" direct 3 | median)"
    for t in "${TARGETS[@]}"; do
      tps="$(values_of "$w" "$t" 3 | median)"
      lat="$(values_of "$w" "$t" 4 | median)"
      ratio="$(awk -v a="$tps" -v b="$direct_tps" 'BEGIN {printf "%.2f", a / b}')"
      local cpu sys
      cpu="$(values_of "$w" "$t" 5 | awk 'NF')"
      if [ -n "$cpu" ]; then cpu="$(median <<<"$cpu")"; fi
      sys="$(awk -F'\t' -v w="$w" -v t="$t" '$1 == w && $2 == t {print $3 " (" $4 ")"}' "$BENCH_DIR/syscalls.tsv")"
      t="$(target_label "$t")"
      printf '| `%s` | %s | %.0f | %.3f | %s | %s | %s |\n' "${WORKLOAD_NAMES[$w]}" "$t" "$tps" "$lat" "$ratio" \
        "${cpu:-—}" "${sys:-—}"
    done
  done
  echo
  if has_target switchyard_dw && has_target switchyard; then
  echo "dual_write (abalance→balance) against pass-through switchyard and against direct, by TPS:"
  echo
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    printf -- '- `%s`: %s of pass-through, %s of direct\n' "${WORKLOAD_NAMES[$w]}" \
      "$(awk -v a="$(values_of "$w" switchyard_dw 3 | median)" -v b="$(values_of "$w" switchyard 3 | median)" 'BEGIN {printf "%.2f", a / b}')" \
      "$(awk -v a="$(values_of "$w" switchyard_dw 3 | median)" -v b="$(values_of "$w" direct 3 | median)" 'BEGIN {printf "%.2f", a / b}')"
  done
  fi
  local pct
  for pct in 10 100; do
    has_target "switchyard_sh$pct" && has_target switchyard_dw || continue
    echo
    echo "shadow reads at $pct% sampling against dual_write alone, by TPS (shadow executor totals: $(shadow_counts "$pct")):"
    echo
    for w in "${!WORKLOAD_FLAGS[@]}"; do
      printf -- '- `%s`: %s of dual_write\n' "${WORKLOAD_NAMES[$w]}" \
        "$(awk -v a="$(values_of "$w" "switchyard_sh$pct" 3 | median)" -v b="$(values_of "$w" switchyard_dw 3 | median)" 'BEGIN {printf "%.2f", a / b}')"
    done
  done
  echo
  echo "- rows where abalance and balance differed after the dual_write and shadow runs (summed): ${DIVERGED:-0}"
  echo
  echo "TPS of each round (round 1 first):"
  echo
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    for t in "${TARGETS[@]}"; do
      printf -- '- `%s` %s: %s\n' "${WORKLOAD_NAMES[$w]}" "$t" \
        "$(values_of "$w" "$t" 3 | awk '{printf "%s%.0f", (NR > 1 ? ", " : ""), $1}')"
    done
  done
}

main() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (set PG_BIN)"
  local tool
  for tool in psql pgbench pgbouncer python3; do
    command -v "$tool" >/dev/null || die "$tool not found; run ./scripts/install-deps.sh"
  done
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user"; fi
  if [ "$SWITCHYARD_CMD" != pgbouncer ]; then
    local first="${SWITCHYARD_CMD%% *}"
    command -v "$first" >/dev/null || die "$first not found; build it first or set SWITCHYARD_CMD"
  fi
  case "$FSYNC" in on | off) ;; *) die "FSYNC must be on or off" ;; esac

  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM

  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench.XXXXXX")"
  chmod 755 "$BENCH_DIR"   # the postgres user needs to reach its files in here
  PORT[direct]="$(free_port)"
  PG_PORT="${PORT[direct]}"
  # Direct clients, plus the idle server connections each session-mode pool may keep, plus headroom.
  if [ $((3 * CLIENTS + 10)) -gt "$MAX_CONNECTIONS" ]; then MAX_CONNECTIONS=$((3 * CLIENTS + 10)); fi
  PORT[pgbouncer]="$(free_port)"
  local t
  for t in "${TARGETS[@]}"; do [ "$t" = direct ] || PORT[$t]="$(free_port)"; done

  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN {exit !(l >= 1.0)}'; then
    log "warning: load average is $LOAD_BEFORE before starting; other work on this host will skew the numbers"
  fi
  local runs=$((${#WORKLOAD_FLAGS[@]} * ${#TARGETS[@]} * ROUNDS))
  log "working in $BENCH_DIR; $runs runs of ${DURATION}s (~$(((runs * (DURATION + 2) + 59) / 60)) min)"

  start_postgres
  init_pgbench
  if has_target pgbouncer; then start_pgbouncer pgbouncer "${PORT[pgbouncer]}"; fi
  if has_target switchyard; then start_switchyard switchyard; fi
  if has_target switchyard_dw; then start_switchyard switchyard_dw "${DUAL_WRITE_YAML//PGPORT/${PORT[direct]}}"; fi
  local pct
  for pct in 10 100; do
    if has_target "switchyard_sh$pct"; then
      PORT[admin_sh$pct]="$(free_port)"
      start_switchyard "switchyard_sh$pct" "$(shadow_yaml "$pct")"
    fi
  done
  run_all
  LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

  if [ -n "$OUT" ]; then
    report | tee "$OUT"
    log "report written to $OUT"
  else
    report
  fi
}

main "$@"
