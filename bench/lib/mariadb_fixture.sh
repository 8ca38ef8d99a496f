# shellcheck shell=bash
# mariadb_fixture.sh: the MariaDB side of a bench/ script: a throwaway MariaDB 10.11 in the
# script's temp dir on a free loopback port, with a mysql_native_password user and a database,
# started and stopped by pid. The recipe is the test harness's (tests/support/mariadb_server.cpp):
# mariadb-install-db, settings that favour speed over durability, run as the mysql user when root.
#
# Source it after scripts/lib/process.sh and bench/lib/pg_fixture.sh (free_port). It expects,
# set by the caller:
#   log, die        functions
#   BENCH_DIR       the script's temporary directory
#   MY_PORT         the port MariaDB listens on (from free_port)
#   MY_DB MY_USER MY_PASSWORD MY_BUFFER_POOL MY_MAX_CONNECTIONS
# and sets MY_PID once MariaDB runs: the caller's EXIT trap calls stop_mariadb.

MY_PID=""

# my_sql ARGS...: the mariadb CLI as root over the server's unix socket, batch mode, no headers.
my_sql() {
  mariadb --no-defaults -S "$BENCH_DIR/mariadb/mariadbd.sock" -u root -N -B "$@"
}

start_mariadb() {
  local dir="$BENCH_DIR/mariadb" i
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown mysql: "$dir"
  log "mariadb-install-db"
  as_user mysql mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --tmpdir="$dir" >"$BENCH_DIR/mariadb-install.log" 2>&1 \
    || { cat "$BENCH_DIR/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  log "starting MariaDB on 127.0.0.1:$MY_PORT"
  as_user mysql /usr/sbin/mariadbd --no-defaults --datadir="$dir/data" --port="$MY_PORT" --socket="$dir/mariadbd.sock" \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadbd.err" --tmpdir="$dir" \
    --bind-address=127.0.0.1 --skip-name-resolve --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --innodb-buffer-pool-size="$MY_BUFFER_POOL" --performance-schema=0 --max-connections="$MY_MAX_CONNECTIONS" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >"$dir/mariadbd.out" 2>&1 &
  local launcher=$!
  # The server's own pid comes from its pid file (the launcher is runuser when we are root);
  # until it is known, the launcher's stands in, so the EXIT trap never leaves a server behind.
  MY_PID=$launcher
  for ((i = 0; i < 600; i++)); do
    pid_alive "$launcher" || [ -s "$dir/mariadbd.pid" ] || break
    if [ -s "$dir/mariadbd.pid" ] && my_sql -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  [ -s "$dir/mariadbd.pid" ] && MY_PID="$(cat "$dir/mariadbd.pid")"
  my_sql -e 'SELECT 1' >/dev/null 2>&1 || { tail -n 20 "$dir/mariadbd.err" >&2; die "MariaDB did not start within 60s"; }
  my_sql -e "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;
             CREATE USER '$MY_USER'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('$MY_PASSWORD');
             GRANT ALL PRIVILEGES ON *.* TO '$MY_USER'@'%'; CREATE DATABASE $MY_DB;" \
    || die "could not create the MariaDB user and database"
}

stop_mariadb() {
  [ -n "$MY_PID" ] || return 0
  stop_pid "$MY_PID" MariaDB 60
  MY_PID=""
  log "MariaDB stopped"
}
