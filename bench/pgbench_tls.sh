#!/usr/bin/env bash
# pgbench_tls.sh: what TLS on both legs costs: direct PostgreSQL over TLS, PgBouncer with
# client_tls_* and server_tls_*, and switchyard with tls: and upstream_tls:, measured with pgbench.
#
# Usage:
#   bench/pgbench_tls.sh                          # defaults: 8 clients, 2 threads, 10 s per run, 3 rounds
#   DURATION=5 ROUNDS=1 OUT=/tmp/tls.md bench/pgbench_tls.sh
#
# It starts everything itself, on free 127.0.0.1 ports, in a temporary directory: a CA and one
# certificate made with openssl at run time (EC P-256, like tests/support/test_pki.h); PostgreSQL 15
# from bench/lib/pg_fixture.sh, then ssl=on with that certificate; PgBouncer in session mode with
# client_tls_sslmode=require and server_tls_sslmode=require; switchyard (build/switchyard) with
# `tls:` (mode require) and `upstream_tls: {mode: require}`. Every pgbench runs with
# PGSSLMODE=require, so every target, direct included, is TLS end to end and the server sees TLS
# sessions from the proxies too. Workloads: -S -M simple and TPC-B-like -M prepared as `postgres`
# (trust: pgbench logs in once per client), and `-S -C` as a SCRAM role (scram-sha-256 in
# pg_hba.conf), a new login per transaction: direct, PgBouncer with that role's verifier in its
# auth_file (auth_type hba), switchyard with `auth: {mode: scram}` (SCRAM on both legs, the
# verifier read from pg_authid over `control`). PgBouncer reuses its server connection across
# client logins (session pooling), while switchyard opens one, with TLS and SCRAM, per login, as
# direct does. Each workload runs ROUNDS times per target, round-robin; the median TPS is
# reported with its ratio to direct-with-TLS and the proxy's own CPU µs per transaction (from
# /proc/PID/stat over each run).
#
# Environment: CLIENTS=8 JOBS=2 DURATION=10 ROUNDS=3 SCALE=10 FSYNC=off SWITCHYARD_THREADS=0
#   SWITCHYARD_LOG_LEVEL=warn OUT=path KEEP_BENCH_DIR=1 PG_BIN (default /usr/lib/postgresql/15/bin)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
CLIENTS="${CLIENTS:-8}"
JOBS="${JOBS:-2}"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
SCALE="${SCALE:-10}"
FSYNC="${FSYNC:-off}"
SWITCHYARD_THREADS="${SWITCHYARD_THREADS:-0}"
SWITCHYARD_LOG_LEVEL="${SWITCHYARD_LOG_LEVEL:-warn}"
SWITCHYARD="${SWITCHYARD:-$REPO_ROOT/build/switchyard}"
OUT="${OUT:-}"
KEEP_BENCH_DIR="${KEEP_BENCH_DIR:-0}"

DB=bench
PG_USER=postgres
SHARED_BUFFERS=256MB
MAX_CONNECTIONS=$((3 * CLIENTS + 10 > 100 ? 3 * CLIENTS + 10 : 100))
TARGETS=(direct pgbouncer switchyard)
WORKLOAD_NAMES=("-S -M simple" "tpcb-like -M prepared" "-S -C (SCRAM login per transaction)")
WORKLOAD_FLAGS=("-S -M simple" "-M prepared" "-S -C")
SCRAM_USER=benchscram
SCRAM_PASSWORD=bench-secret
WORKLOAD_USERS=("$PG_USER" "$PG_USER" "$SCRAM_USER")

BENCH_DIR=""
PGB_PID=""
SY_PID=""
PGBENCH_PID=""
declare -A PORT
declare -A PROC_PID

BENCH_NAME=pgbench_tls
# shellcheck source=bench/lib/prelude.sh
. "$REPO_ROOT/bench/lib/prelude.sh"

# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$PGBENCH_PID" ]; then stop_pid "$PGBENCH_PID" pgbench 5; fi
  if [ -n "$SY_PID" ]; then stop_pid "$SY_PID" switchyard 15; fi
  # A PgBouncer that died before it answered has only its pidfile.
  if [ -z "$PGB_PID" ] && [ -n "$BENCH_DIR" ] && [ -s "$BENCH_DIR/pgbouncer/pgbouncer.pid" ]; then
    PGB_PID="$(cat "$BENCH_DIR/pgbouncer/pgbouncer.pid")"
  fi
  if [ -n "$PGB_PID" ]; then stop_pid "$PGB_PID" pgbouncer 10; fi
  finish_bench "$rc"
}

# make_certificates: a CA and a certificate for localhost / 127.0.0.1 signed by it, in $BENCH_DIR/pki.
make_certificates() {
  local d="$BENCH_DIR/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench CA" \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
  chmod 600 "$d/server.key"
  give_to_pg "$d"
}

# enable_ssl: PostgreSQL (started by pg_fixture) serves TLS with that certificate; ssl is reloadable.
enable_ssl() {
  sql -c "ALTER SYSTEM SET ssl = on" -c "ALTER SYSTEM SET ssl_cert_file = '$BENCH_DIR/pki/server.crt'" \
      -c "ALTER SYSTEM SET ssl_key_file = '$BENCH_DIR/pki/server.key'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  [ "$(psql "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER sslmode=require" -qXAt \
        -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')" = t ] || die "PostgreSQL did not turn TLS on"
}

# add_scram_role: a role that logs in with scram-sha-256 over TLS (first pg_hba.conf line).
add_scram_role() {
  sql -c "SET password_encryption = 'scram-sha-256'" -c "CREATE ROLE $SCRAM_USER LOGIN PASSWORD '$SCRAM_PASSWORD'" \
      -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO $SCRAM_USER" >/dev/null
  local hba="$BENCH_DIR/pgdata/pg_hba.conf"
  { printf 'hostssl all %s 127.0.0.1/32 scram-sha-256\n' "$SCRAM_USER"; cat "$hba"; } >"$BENCH_DIR/hba.new"
  cat "$BENCH_DIR/hba.new" >"$hba"  # in place: the file stays the postgres user's
  sql -c "SELECT pg_reload_conf()" >/dev/null
}

start_pgbouncer_tls() {
  local dir="$BENCH_DIR/pgbouncer"
  mkdir -p "$dir"
  printf '"%s" ""\n"%s" "%s"\n' "$PG_USER" "$SCRAM_USER" \
    "$(sql -c "SELECT rolpassword FROM pg_authid WHERE rolname = '$SCRAM_USER'")" >"$dir/userlist.txt"
  printf 'hostssl all %s 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n' "$SCRAM_USER" >"$dir/hba.conf"
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$DB = host=127.0.0.1 port=$PG_PORT dbname=$DB

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${PORT[pgbouncer]}
unix_socket_dir =
auth_type = hba
auth_hba_file = $dir/hba.conf
auth_file = $dir/userlist.txt
pool_mode = session
default_pool_size = $CLIENTS
max_client_conn = $((CLIENTS + 20))
client_tls_sslmode = require
client_tls_cert_file = $BENCH_DIR/pki/server.crt
client_tls_key_file = $BENCH_DIR/pki/server.key
server_tls_sslmode = require
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  log "starting PgBouncer (session mode, TLS both legs) on 127.0.0.1:${PORT[pgbouncer]}"
  launch_pgbouncer "$dir" "$CLIENTS"
  PGB_PID="$(cat "$dir/pgbouncer.pid")"
  PROC_PID[pgbouncer]=$PGB_PID
  PGSSLMODE=require wait_ready "${PORT[pgbouncer]}" pgbouncer "$PGB_PID"
}

start_switchyard_tls() {
  [ -x "$SWITCHYARD" ] || die "$SWITCHYARD not found; build it first or set SWITCHYARD"
  cat >"$BENCH_DIR/switchyard.yaml" <<EOF
listen: 127.0.0.1:${PORT[switchyard]}
upstream: 127.0.0.1:$PG_PORT
threads: $SWITCHYARD_THREADS
log: {level: $SWITCHYARD_LOG_LEVEL, format: text}
tls: {cert_file: $BENCH_DIR/pki/server.crt, key_file: $BENCH_DIR/pki/server.key, mode: require}
upstream_tls: {mode: require}
control: "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PG_USER sslmode=require"
auth: {mode: scram}
EOF
  log "starting switchyard (tls + upstream_tls) on 127.0.0.1:${PORT[switchyard]}"
  "$SWITCHYARD" --config "$BENCH_DIR/switchyard.yaml" >"$BENCH_DIR/switchyard.log" 2>&1 &
  SY_PID=$!
  PROC_PID[switchyard]=$SY_PID
  PGSSLMODE=require wait_ready "${PORT[switchyard]}" switchyard "$SY_PID"
}

# run_one WORKLOAD TARGET ROUND: appends "workload<TAB>target<TAB>tps<TAB>latency<TAB>cpu us/tx".
run_one() {
  local w=$1 target=$2 round=$3 out pid ticks0=0 cpu="" tps lat
  local -a flags
  read -r -a flags <<<"${WORKLOAD_FLAGS[$w]}"
  out="$BENCH_DIR/runs/w$w-$target-r$round.log"
  reset_state
  pid=${PROC_PID[$target]:-}
  if [ -n "$pid" ]; then ticks0="$(cpu_ticks "$pid")"; fi
  PGSSLMODE=require PGPASSWORD=$SCRAM_PASSWORD pgbench -h 127.0.0.1 -p "${PORT[$target]}" -U "${WORKLOAD_USERS[$w]}" \
    -n -c "$CLIENTS" -j "$JOBS" \
    -T "$DURATION" "${flags[@]}" "$DB" >"$out" 2>&1 &
  PGBENCH_PID=$!
  wait "$PGBENCH_PID" || { PGBENCH_PID=""; tail -n 20 "$out" >&2; die "pgbench failed against $target"; }
  PGBENCH_PID=""
  if [ -n "$pid" ]; then cpu="$(us_per_tx $(($(cpu_ticks "$pid") - ticks0)) "$(pgbench_field "$out" transactions)")"; fi
  tps="$(pgbench_field "$out" tps)"
  lat="$(pgbench_field "$out" latency)"
  [ -n "$tps" ] && [ -n "$lat" ] || die "could not parse pgbench output: $out"
  printf '%s\t%s\t%s\t%s\t%s\n' "$w" "$target" "$tps" "$lat" "$cpu" >>"$BENCH_DIR/results.tsv"
  log "  round $round/$ROUNDS ${WORKLOAD_NAMES[$w]} $target: $tps tps, $lat ms${cpu:+, proxy $cpu us/tx}"
}

values_of() { awk -F'\t' -v w="$1" -v t="$2" -v f="$3" '$1 == w && $2 == t && $f != "" {print $f}' "$BENCH_DIR/results.tsv"; }

# shellcheck disable=SC2016  # the backticks are markdown
report() {
  local w t direct cpu tps
  echo "## pgbench over TLS on both legs: direct vs PgBouncer vs switchyard"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); repo $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo '?')"
  echo "- machine: $(machine_line)"
  echo "- software: $("$PG_BIN/postgres" --version), $(pgbouncer --version 2>/dev/null | head -n1), $(openssl version)"
  echo "- TLS: PGSSLMODE=require for every pgbench; PostgreSQL ssl=on; PgBouncer client_tls_sslmode=require and server_tls_sslmode=require; switchyard tls mode require and upstream_tls require; EC P-256 certificate"
  echo "- pgbench: scale $SCALE, -c $CLIENTS -j $JOBS -T $DURATION, $ROUNDS round(s) per target, round-robin; median shown; switchyard threads: $SWITCHYARD_THREADS; fsync=$FSYNC"
  echo "- load average before: $LOAD_BEFORE, after: $LOAD_AFTER"
  echo
  echo "| workload | target | TPS | avg latency ms | ratio to direct (TLS) | proxy CPU µs/tx |"
  echo "|---|---|---:|---:|---:|---:|"
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    direct="$(values_of "$w" direct 3 | median)"
    for t in "${TARGETS[@]}"; do
      cpu="$(values_of "$w" "$t" 5)"
      if [ -n "$cpu" ]; then cpu="$(median <<<"$cpu")"; fi
      tps="$(values_of "$w" "$t" 3 | median)"
      printf '| `%s` | %s | %.0f | %.3f | %s | %s |\n' "${WORKLOAD_NAMES[$w]}" "$t" "$tps" \
        "$(values_of "$w" "$t" 4 | median)" "$(ratio "$tps" "$direct")" "${cpu:-—}"
    done
  done
  echo
  echo "TPS of each round:"
  echo
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    for t in "${TARGETS[@]}"; do
      printf -- '- `%s` %s: %s\n' "${WORKLOAD_NAMES[$w]}" "$t" "$(values_of "$w" "$t" 3 | paste -sd, - | sed 's/,/, /g')"
    done
  done
}

main() {
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found in $PG_BIN (set PG_BIN)"
  local tool
  for tool in psql pgbench pgbouncer python3 openssl; do
    command -v "$tool" >/dev/null || die "$tool not found; run ./scripts/install-deps.sh"
  done
  if [ "$(id -u)" -eq 0 ]; then id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user"; fi
  trap cleanup EXIT
  trap 'log "interrupted"; exit 130' INT TERM
  BENCH_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench-tls.XXXXXX")"
  chmod 755 "$BENCH_DIR"
  PG_PORT="$(free_port)"
  PORT[direct]=$PG_PORT
  PORT[pgbouncer]="$(free_port)"
  PORT[switchyard]="$(free_port)"
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  make_certificates
  start_postgres
  enable_ssl
  init_pgbench
  add_scram_role
  start_pgbouncer_tls
  start_switchyard_tls
  mkdir -p "$BENCH_DIR/runs"
  : >"$BENCH_DIR/results.tsv"
  local w round i n=${#TARGETS[@]}
  for w in "${!WORKLOAD_FLAGS[@]}"; do
    log "workload ${WORKLOAD_NAMES[$w]}"
    for ((round = 1; round <= ROUNDS; round++)); do
      for ((i = 0; i < n; i++)); do run_one "$w" "${TARGETS[$(((round - 1 + i) % n))]}" "$round"; done
    done
  done
  LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -n "$OUT" ]; then report | tee "$OUT"; else report; fi
}

main "$@"
