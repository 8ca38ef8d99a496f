#!/usr/bin/env bash
# idle_sessions.sh: what an idle session costs in memory, switchyard against PgBouncer: the resident
# set of the proxy process as SESSIONS idle sessions are opened through it in STEPS equal steps (each
# session logs in and runs one `SELECT 1`, then stays open and idle, as a pool's connections do).
#
# Usage:
#   bench/idle_sessions.sh                       # 1,000 sessions in 4 steps, switchyard and PgBouncer
#   SESSIONS=2000 STEPS=8 OUT=/tmp/idle.md bench/idle_sessions.sh
#
# It starts, on free 127.0.0.1 ports in a temporary directory: PostgreSQL 15 (max_connections =
# SESSIONS + 30), switchyard (build/switchyard, pass-through, `threads: $SWITCHYARD_THREADS`) and
# PgBouncer (session mode, pool as large as SESSIONS, trust). One target at a time, the sessions are
# opened by bench/idle_sessions.py (the wire protocol in Python, the same client for both), after a
# warm-up of 10 sessions opened and closed; VmRSS of the proxy is read from /proc/PID/status before the
# first step and 2 s after each. Reported: KiB per session as the least-squares slope of RSS over the
# steps (start-up allocations cancel out) and as (RSS at SESSIONS - RSS before) / SESSIONS.
#
# With TLS=1 the client leg is encrypted (a certificate made at run time; switchyard `tls:`,
# PgBouncer client_tls_*), the server leg stays plaintext on both.
#
# Environment: SESSIONS=1000 STEPS=4 TLS=0 SWITCHYARD_THREADS=0 SWITCHYARD_CMD=build/switchyard
#              OUT=path KEEP_BENCH_DIR=1 PG_BIN (default /usr/lib/postgresql/15/bin)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SESSIONS="${SESSIONS:-1000}"
STEPS="${STEPS:-4}"
TLS="${TLS:-0}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
SWITCHYARD_CMD="${SWITCHYARD_CMD:-$REPO_ROOT/build/switchyard}"
OUT="${OUT:-}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"

DB=bench
PG_USER=postgres
SCALE=1
FSYNC=off
SHARED_BUFFERS=128MB
MAX_CONNECTIONS=$((SESSIONS + 30))

BENCH_DIR=""
SY_PID=""
PGB_PIDFILE=""
CLIENT_PID=""
declare -A RESULT

BENCH_NAME=idle_sessions
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${CLIENT_PID:-}" ]; then stop_pid "$CLIENT_PID" "session client" 5; fi
  if [ -n "$SY_PID" ]; then stop_pid "$SY_PID" switchyard 15; log "switchyard stopped"; fi
  if [ -n "$PGB_PIDFILE" ] && [ -s "$PGB_PIDFILE" ]; then stop_pid "$(cat "$PGB_PIDFILE")" pgbouncer 10; log "pgbouncer stopped"; fi
  finish_bench "$rc"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

start_switchyard() {
  local port=$1
  cat >"$BENCH_DIR/switchyard.yaml" <<EOF
listen: 127.0.0.1:$port
upstream: 127.0.0.1:$PG_PORT
threads: $SWITCHYARD_THREADS
log:
  level: warn
  format: text
EOF
  if [ "$TLS" = 1 ]; then
    echo "tls: {cert_file: $BENCH_DIR/server.crt, key_file: $BENCH_DIR/server.key, mode: require}" >>"$BENCH_DIR/switchyard.yaml"
  fi
  log "starting switchyard on 127.0.0.1:$port"
  "$SWITCHYARD_CMD" --config "$BENCH_DIR/switchyard.yaml" >"$BENCH_DIR/switchyard.log" 2>&1 &
  SY_PID=$!
  wait_ready "$port" switchyard "$SY_PID"
}

start_pgbouncer() {
  local port=$1 dir="$BENCH_DIR/pgbouncer" extra=""
  if [ "$TLS" = 1 ]; then
    mkdir -p "$dir"
    cp "$BENCH_DIR/server.crt" "$BENCH_DIR/server.key" "$dir/"
    extra="client_tls_sslmode = require
client_tls_cert_file = $dir/server.crt
client_tls_key_file = $dir/server.key"
  fi
  PGB_PIDFILE="$dir/pgbouncer.pid"
  log "starting PgBouncer on 127.0.0.1:$port"
  start_pgbouncer_in "$dir" "$port" "$SESSIONS" "$extra"
  wait_ready "$port" pgbouncer "$(cat "$PGB_PIDFILE")"
}

# client_cmd LINE: one command to the session client; waits for its "ok N" answer.
client_cmd() {
  local answer
  echo "$1" >&"${CLIENT[1]}"
  read -r -t 300 answer <&"${CLIENT[0]}" || die "the session client did not answer '$1'"
  [[ "$answer" == ok* ]] || die "the session client answered '$answer' to '$1'"
}

# measure NAME PORT PID: RSS over the steps; sets RESULT[NAME,slope] RESULT[NAME,avg] RESULT[NAME,points].
measure() {
  local name=$1 port=$2 pid=$3 step=$((SESSIONS / STEPS)) n rss points
  local tls_arg=""
  [ "$TLS" = 1 ] && tls_arg=tls
  # shellcheck disable=SC2086  # no argument when plaintext
  coproc CLIENT { python3 "$REPO_ROOT/bench/idle_sessions.py" 127.0.0.1 "$port" "$PG_USER" "$DB" $tls_arg; }
  # coproc sets CLIENT_PID: cleanup stops it if we die half way
  client_cmd "open 10"
  client_cmd close
  sleep 2
  rss="$(rss_kib "$pid")"
  points="0 $rss"
  log "$name: $rss KiB with no session open"
  for ((n = step; n <= step * STEPS; n += step)); do
    client_cmd "open $step"
    sleep 2
    pid_alive "$pid" || die "$name exited with $n sessions open"
    rss="$(rss_kib "$pid")"
    points+=" $n $rss"
    log "$name: $rss KiB with $n idle sessions"
  done
  client_cmd close
  exec {CLIENT[1]}>&-
  wait "$CLIENT_PID" 2>/dev/null || true
  CLIENT_PID=""
  RESULT[$name,points]=$points
  # shellcheck disable=SC2086
  RESULT[$name,slope]="$(echo $points | awk '{for (i = 1; i < NF; i += 2) {x = $i; y = $(i + 1); n++; sx += x; sy += y; sxx += x * x; sxy += x * y}
                                         printf "%.1f", (n * sxy - sx * sy) / (n * sxx - sx * sx)}')"
  # shellcheck disable=SC2086
  RESULT[$name,avg]="$(echo $points | awk '{printf "%.1f", ($NF - $2) / $(NF - 1)}')"
}

report() {
  local t
  echo "## Idle sessions: resident memory per session"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $(machine_line)"
  echo "- software: $("$PG_BIN/postgres" --version), $(pgbouncer --version 2>/dev/null | head -n1)"
  echo "- switchyard: \`$SWITCHYARD_CMD\` (repo $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo '?')), threads: $SWITCHYARD_THREADS, no migration; PgBouncer: session mode"
  echo "- client leg: $([ "$TLS" = 1 ] && echo "TLS (an EC P-256 certificate made at run time)" || echo plaintext); server leg: plaintext"
  echo "- $SESSIONS sessions opened in $STEPS steps, each logged in and ran \`SELECT 1\`, then idle; VmRSS 2 s after each step"
  echo
  echo "| proxy | KiB per idle session (slope) | KiB per idle session ((RSS at $SESSIONS - RSS at 0) / $SESSIONS) | RSS at 0 and each step, KiB |"
  echo "|---|---:|---:|---|"
  for t in switchyard pgbouncer; do
    printf '| %s | %s | %s | %s |\n' "$t" "${RESULT[$t,slope]}" "${RESULT[$t,avg]}" \
      "$(echo "${RESULT[$t,points]}" | awk '{for (i = 1; i < NF; i += 2) printf "%s%s: %s", (i > 1 ? ", " : ""), $i, $(i + 1)}')"
  done
}

main() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (set PG_BIN)"
  local tool
  for tool in psql pgbench pgbouncer python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
  [ -x "$SWITCHYARD_CMD" ] || die "$SWITCHYARD_CMD not found (build first: scripts/build.sh)"
  ((SESSIONS % STEPS == 0)) || die "SESSIONS must be a multiple of STEPS"
  # Every session is a socket in the client and two in the proxy (PgBouncer and switchyard alike).
  ulimit -n "$((2 * SESSIONS + 200))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  (($(ulimit -n) >= 2 * SESSIONS + 100)) || die "need $((2 * SESSIONS + 100)) file descriptors, have $(ulimit -n)"

  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-idle.XXXXXX")"
  chmod 755 "$BENCH_DIR"
  PG_PORT="$(free_port)"
  if [ "$TLS" = 1 ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
      -keyout "$BENCH_DIR/server.key" -out "$BENCH_DIR/server.crt" >/dev/null 2>&1 || die "openssl could not make a certificate"
    chmod 600 "$BENCH_DIR/server.key"
  fi
  start_postgres
  local sy_port pgb_port
  sy_port="$(free_port)"
  pgb_port="$(free_port)"

  start_switchyard "$sy_port"
  measure switchyard "$sy_port" "$SY_PID"
  stop_pid "$SY_PID" switchyard 15
  SY_PID=""

  start_pgbouncer "$pgb_port"
  measure pgbouncer "$pgb_port" "$(cat "$PGB_PIDFILE")"

  if [ -n "$OUT" ]; then report | tee "$OUT"; log "report written to $OUT"; else report; fi
}

main "$@"
