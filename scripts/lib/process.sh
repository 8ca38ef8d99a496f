# Shell helpers shared by scripts/run-demo.sh and bench/: running PostgreSQL's (and MariaDB's)
# programs as their own user when we are root (the server refuses root), and stopping processes we started,
# by pid. Source it; it expects a `log` function.

# as_user USER CMD...: run CMD as USER when we are root (PostgreSQL and MariaDB refuse root),
# else as ourselves.
as_user() {
  local user=$1
  shift
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$user" -- "$@")
  else
    "$@"
  fi
}

# as_pg CMD...: run CMD as the postgres user when we are root, else as ourselves.
as_pg() { as_user postgres "$@"; }

# give_to_pg PATH...: make PATHs owned by the postgres user when we are root.
give_to_pg() {
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$@"; fi
}

pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# stop_pid PID NAME SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL. Works for non-children too.
stop_pid() {
  local pid=$1 name=$2 secs=$3 i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    log "$name (pid $pid) did not stop within ${secs}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# cpu_ticks PID: user + system CPU time of process PID (all its threads), in clock ticks.
cpu_ticks() {
  # Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
CLK_TCK="$(getconf CLK_TCK)"

# us_per_tx TICKS TRANSACTIONS: CPU microseconds per transaction.
us_per_tx() { awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN {printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0)}'; }
