#!/usr/bin/env bash
# prepared_flips.sh: do prepared statements survive phase flips under load, and what do the flips cost?
# pgbench -M prepared through a dual_write migration, with and without a reload flipping the phase
# dual_write <-> read_new every FLIP_INTERVAL seconds (issue 9, deliverable 6).
#
# Usage:
#   bench/prepared_flips.sh                       # defaults: 3 rounds of 20 s per arm, flip every 2 s
#   DURATION=5 ROUNDS=1 OUT=/tmp/flips.md bench/prepared_flips.sh
#
# It starts, on free 127.0.0.1 ports in a temporary directory: PostgreSQL 15 (as the postgres user
# when run as root), `pgbench -i -s $SCALE` plus pgbench_accounts.balance = abalance, and one
# switchyard with an admin server and the migration pgbench_accounts rename_column abalance -> balance
# in phase dual_write. Then, ROUNDS times, interleaved (the arm that goes first alternates):
#   noflip: pgbench TPC-B-like -M prepared, CLIENTS clients, JOBS threads, DURATION s;
#   flip:   the same, while a background loop rewrites the config's phase dual_write <-> read_new
#           and POSTs /reload every FLIP_INTERVAL s (scheduled from the run's start, not drifting).
# Every run starts in dual_write (one reload before it if needed, outside the measurement), after
# VACUUM of the small tables, TRUNCATE pgbench_history and CHECKPOINT done directly on PostgreSQL.
#
# Per run: TPS, average latency, pgbench's "number of failed transactions", clients that aborted
# (pgbench stops a client at an error other than a serialization failure or deadlock), reloads done
# (switchyard_reloads_total delta; failed reloads too), switchyard_reprepares_total delta, the
# proxy's CPU time (utime + stime of all its threads, /proc/PID/stat) per transaction, and lines at
# warning level or above (or "error to client") in the proxy's log. At the end it checks directly on
# PostgreSQL that no row has abalance IS DISTINCT FROM balance (balance is never reset between runs).
# Prints a markdown table of medians with the ratio flip / noflip on stdout (and into $OUT).
#
# Environment:
#   CLIENTS=8 JOBS=2 DURATION=20 ROUNDS=3 SCALE=10 FLIP_INTERVAL=2 FSYNC=off
#   SWITCHYARD_CMD          switchyard command, run as `$SWITCHYARD_CMD --config FILE` (default build/switchyard)
#   SWITCHYARD_THREADS=0    switchyard `threads:` (0 = one per core)
#   SWITCHYARD_LOG_LEVEL=info  (info logs each reload, and each error sent to a client)
#   OUT=path                also write the report to this file
#   KEEP_BENCH_DIR=1        keep the temporary directory (logs, raw pgbench output); kept anyway on failure
#   PG_BIN                  PostgreSQL bin dir (default /usr/lib/postgresql/15/bin)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
CLIENTS="${CLIENTS:-8}"
JOBS="${JOBS:-2}"
DURATION="${DURATION:-20}"
ROUNDS="${ROUNDS:-3}"
SCALE="${SCALE:-10}"
FLIP_INTERVAL="${FLIP_INTERVAL:-2}"
FSYNC="${FSYNC:-off}"
SWITCHYARD_CMD="${SWITCHYARD_CMD:-$REPO_ROOT/build/switchyard}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
SWITCHYARD_LOG_LEVEL="${SWITCHYARD_LOG_LEVEL:-info}"
OUT="${OUT:-}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"

DB=bench
PG_USER=postgres
SHARED_BUFFERS=256MB
MAX_CONNECTIONS=$((3 * CLIENTS + 20))

BENCH_DIR=""
SY_PID=""
PGBENCH_PID=""
FLIPPER_PID=""
LOAD_BEFORE=""
LOAD_AFTER=""
FINAL_DIVERGED=""

BENCH_NAME=prepared_flips
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$FLIPPER_PID" ]; then stop_pid "$FLIPPER_PID" flipper 5; fi
  if [ -n "$PGBENCH_PID" ]; then stop_pid "$PGBENCH_PID" pgbench 5; fi
  if [ -n "$SY_PID" ]; then stop_pid "$SY_PID" switchyard 15; log "switchyard $SY_PID stopped"; fi
  finish_bench "$rc"
}

# write_config PHASE FILE: the switchyard config with the migration in PHASE.
write_config() {
  cat >"$2" <<EOF
listen: 127.0.0.1:$SY_PORT
upstream: 127.0.0.1:$PG_PORT
threads: $SWITCHYARD_THREADS
log:
  level: $SWITCHYARD_LOG_LEVEL
  format: text
limits:
  max_message_bytes: 67108864
  connect_timeout_ms: 5000
  drain_timeout_ms: 2000
admin:
  listen: 127.0.0.1:$ADMIN_PORT
control: "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER"
migrations:
  - name: accounts-balance
    table: pgbench_accounts
    rename_column: {from: abalance, to: balance}
    phase: $1
EOF
}

start_switchyard() {
  local -a cmd
  read -r -a cmd <<<"$SWITCHYARD_CMD"
  command -v "${cmd[0]}" >/dev/null || die "${cmd[0]} not found; build it or set SWITCHYARD_CMD"
  write_config dual_write "$BENCH_DIR/switchyard.dual_write.yaml"
  write_config read_new "$BENCH_DIR/switchyard.read_new.yaml"
  cp "$BENCH_DIR/switchyard.dual_write.yaml" "$BENCH_DIR/switchyard.yaml"
  log "starting switchyard on 127.0.0.1:$SY_PORT, admin 127.0.0.1:$ADMIN_PORT"
  "${cmd[@]}" --config "$BENCH_DIR/switchyard.yaml" >"$BENCH_DIR/switchyard.log" 2>&1 &
  SY_PID=$!
  wait_ready "$SY_PORT" switchyard "$SY_PID"
}

# to_dual_write: the live config back in dual_write and reloaded (outside any measurement). Always,
# since a flipper stopped between its rename and its POST leaves the file ahead of what runs.
to_dual_write() {
  cp "$BENCH_DIR/switchyard.dual_write.yaml" "$BENCH_DIR/switchyard.yaml.tmp"
  mv "$BENCH_DIR/switchyard.yaml.tmp" "$BENCH_DIR/switchyard.yaml"
  curl -fsS --max-time 30 -X POST "http://127.0.0.1:$ADMIN_PORT/reload" >/dev/null || die "reload to dual_write failed"
}

# start_flipper LOG: in the background, every FLIP_INTERVAL s from now, swap the live config to the
# other phase (rename over it, so a reload never reads half a file) and POST /reload; one line per
# reload in LOG: "seconds-since-start phase http-status reload-ms". Runs until stopped (SIGTERM).
start_flipper() {
  python3 - "$ADMIN_PORT" "$BENCH_DIR" "$FLIP_INTERVAL" "$1" <<'PY' &
import os, shutil, sys, time, urllib.error, urllib.request
port, bench_dir, interval, log_path = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
live = os.path.join(bench_dir, "switchyard.yaml")
phase = "dual_write"
start = time.monotonic()
with open(log_path, "w", buffering=1) as out:
    k = 1
    while True:
        time.sleep(max(0.0, start + k * interval - time.monotonic()))
        phase = "read_new" if phase == "dual_write" else "dual_write"
        shutil.copyfile(os.path.join(bench_dir, "switchyard.%s.yaml" % phase), live + ".tmp")
        os.replace(live + ".tmp", live)
        t0 = time.monotonic()
        try:
            status = urllib.request.urlopen(urllib.request.Request(
                "http://127.0.0.1:%s/reload" % port, method="POST"), timeout=30).status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0
        out.write("%.3f %s %d %.1f\n" % (t0 - start, phase, status, (time.monotonic() - t0) * 1e3))
        k += 1
PY
  FLIPPER_PID=$!
}

# run_one ARM ROUND: one pgbench run; appends a line to results.tsv (columns: see RESULT_COLUMNS).
RESULT_COLUMNS="arm round tps latency transactions failed aborted rc reloads_ok reloads_failed reprepares cpu_us_tx log_lines"
run_one() {
  local arm=$1 round=$2 out="$BENCH_DIR/runs/$1-r$2" rc=0
  to_dual_write
  reset_state
  local rep0 ok0 bad0 cpu0 log0
  rep0="$(metric "$ADMIN_PORT" switchyard_reprepares_total)"
  ok0="$(metric "$ADMIN_PORT" switchyard_reloads_total 'result="ok"')"
  bad0="$(metric "$ADMIN_PORT" switchyard_reloads_total 'result="failed"')"
  log0="$(stat -c %s "$BENCH_DIR/switchyard.log")"
  cpu0="$(cpu_ticks "$SY_PID")"
  # In the background, so SIGTERM/Ctrl-C reach the trap at once rather than after the run.
  pgbench -h 127.0.0.1 -p "$SY_PORT" -U "$PG_USER" -n -M prepared -c "$CLIENTS" -j "$JOBS" -T "$DURATION" \
    "$DB" >"$out.pgbench" 2>&1 &
  PGBENCH_PID=$!
  if [ "$arm" = flip ]; then start_flipper "$out.reloads"; fi
  wait "$PGBENCH_PID" || rc=$?
  PGBENCH_PID=""
  if [ -n "$FLIPPER_PID" ]; then
    stop_pid "$FLIPPER_PID" flipper 5
    FLIPPER_PID=""
  fi
  pid_alive "$SY_PID" || { tail -n 30 "$BENCH_DIR/switchyard.log" >&2; die "switchyard exited during $arm round $round"; }
  local cpu1 tps lat tx failed aborted lines
  cpu1="$(cpu_ticks "$SY_PID")"
  tail -c +"$((log0 + 1))" "$BENCH_DIR/switchyard.log" >"$out.switchyard.log"
  lines="$(grep -Ec '\[(warning|error|critical)\]|error to client' "$out.switchyard.log" || true)"
  tps="$(pgbench_field "$out.pgbench" tps)"
  lat="$(pgbench_field "$out.pgbench" latency)"
  tx="$(pgbench_field "$out.pgbench" transactions)"
  failed="$(pgbench_field "$out.pgbench" failed)"
  aborted="$(pgbench_field "$out.pgbench" aborted)"
  if [ -z "$tps" ] || [ -z "$tx" ]; then tail -n 20 "$out.pgbench" >&2; die "could not parse $out.pgbench (exit $rc)"; fi
  local rep ok bad
  rep=$(($(metric "$ADMIN_PORT" switchyard_reprepares_total) - rep0))
  ok=$(($(metric "$ADMIN_PORT" switchyard_reloads_total 'result="ok"') - ok0))
  bad=$(($(metric "$ADMIN_PORT" switchyard_reloads_total 'result="failed"') - bad0))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$arm" "$round" "$tps" "$lat" "$tx" \
    "${failed:-?}" "$aborted" "$rc" "$ok" "$bad" "$rep" "$(us_per_tx "$((cpu1 - cpu0))" "$tx")" "$lines" \
    >>"$BENCH_DIR/results.tsv"
  log "  round $round/$ROUNDS $arm: $tps tps, $lat ms, failed ${failed:-?}, aborted $aborted, exit $rc," \
      "reloads $ok (+$bad failed), reprepares $rep, log lines $lines"
  if [ "$rc" -ne 0 ] || [ "$aborted" != 0 ] || [ "${failed:-0}" != 0 ] || [ "$lines" != 0 ]; then
    log "  warning: errors in $arm round $round; see $out.*"
    KEEP_BENCH_DIR=1
  fi
}

# col NAME: the column number of NAME in results.tsv.
col() { local i=1 c; for c in $RESULT_COLUMNS; do [ "$c" = "$1" ] && { echo "$i"; return; }; i=$((i + 1)); done; }
# values ARM NAME: NAME's values over ARM's rounds, one per line.
values() { awk -F'\t' -v a="$1" -v f="$(col "$2")" '$1 == a {print $f}' "$BENCH_DIR/results.tsv"; }
med() { values "$1" "$2" | median; }
total() { values "$1" "$2" | awk '{s += $1} END {print s + 0}'; }

# shellcheck disable=SC2016  # the backticks are markdown
report() {
  local rev arm
  rev="$(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo "no commit")"
  echo "## pgbench -M prepared across phase flips (dual_write <-> read_new every ${FLIP_INTERVAL} s)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(machine_line)"
  echo "- software: $("$PG_BIN/postgres" --version), $(pgbench --version)"
  echo "- switchyard: \`$SWITCHYARD_CMD\` (repo $rev), threads: $SWITCHYARD_THREADS, log level: $SWITCHYARD_LOG_LEVEL"
  echo "- PostgreSQL: shared_buffers=$SHARED_BUFFERS, fsync=$FSYNC; migration pgbench_accounts rename_column abalance→balance"
  echo "- pgbench: TPC-B-like -M prepared, scale $SCALE, -c $CLIENTS -j $JOBS -T $DURATION, $ROUNDS round(s) per arm, interleaved; medians shown"
  echo "- everything on one host over loopback TCP"
  echo "- load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER"
  echo
  echo "| arm | TPS | avg latency ms | proxy CPU µs/tx | reloads / run | reprepares / run | failed tx (sum) | aborted clients (sum) | warn+ log lines (sum) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for arm in noflip flip; do
    printf '| %s | %.0f | %.3f | %.1f | %s | %s | %s | %s | %s |\n' \
      "$([ "$arm" = flip ] && echo "flips every ${FLIP_INTERVAL} s" || echo "no flips")" \
      "$(med "$arm" tps)" "$(med "$arm" latency)" "$(med "$arm" cpu_us_tx)" "$(med "$arm" reloads_ok)" \
      "$(med "$arm" reprepares)" "$(total "$arm" failed)" "$(total "$arm" aborted)" "$(total "$arm" log_lines)"
  done
  printf '| **ratio flips / no flips** | **%s** | %s | %s | | | | | |\n' \
    "$(ratio "$(med flip tps)" "$(med noflip tps)")" "$(ratio "$(med flip latency)" "$(med noflip latency)")" \
    "$(ratio "$(med flip cpu_us_tx)" "$(med noflip cpu_us_tx)")"
  echo
  echo "- failed reloads (sum): $(total flip reloads_failed); pgbench exit codes: $(values noflip rc | tr '\n' ' ')(no flips), $(values flip rc | tr '\n' ' ')(flips)"
  echo "- rows where abalance IS DISTINCT FROM balance at the end (checked on PostgreSQL): $FINAL_DIVERGED"
  echo "- reload round trip (POST /reload), all flip runs: median $(cat "$BENCH_DIR"/runs/flip-r*.reloads | awk '{print $4}' | median) ms, max $(cat "$BENCH_DIR"/runs/flip-r*.reloads | awk '$4 > m {m = $4} END {print m + 0}') ms"
  echo
  echo "Each round (round 1 first): TPS / proxy CPU µs per transaction / reprepares:"
  echo
  for arm in noflip flip; do
    printf -- '- %s: %s\n' "$arm" "$(awk -F'\t' -v a="$arm" -v t="$(col tps)" -v c="$(col cpu_us_tx)" -v r="$(col reprepares)" \
      '$1 == a {printf "%s%.0f / %s / %s", (n++ ? ", " : ""), $t, $c, $r}' "$BENCH_DIR/results.tsv")"
  done
}

main() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (set PG_BIN)"
  local tool
  for tool in psql pgbench python3 curl; do command -v "$tool" >/dev/null || die "$tool not found"; done
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user"; fi

  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-flips.XXXXXX")"
  chmod 755 "$BENCH_DIR"
  mkdir -p "$BENCH_DIR/runs"
  : >"$BENCH_DIR/results.tsv"
  PG_PORT="$(free_port)"
  SY_PORT="$(free_port)"
  ADMIN_PORT="$(free_port)"

  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "working in $BENCH_DIR; $((2 * ROUNDS)) runs of ${DURATION}s; load average $LOAD_BEFORE"
  start_postgres
  init_pgbench
  start_switchyard

  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then
      run_one noflip "$round"; run_one flip "$round"
    else
      run_one flip "$round"; run_one noflip "$round"
    fi
  done
  FINAL_DIVERGED="$(diverged_rows)"
  [ "$FINAL_DIVERGED" = 0 ] || { log "warning: $FINAL_DIVERGED rows diverged"; KEEP_BENCH_DIR=1; }
  LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

  if [ -n "$OUT" ]; then report | tee "$OUT"; log "report written to $OUT"; else report; fi
}

main "$@"
