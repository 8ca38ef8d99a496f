#!/usr/bin/env bash
# Installs every Debian 12 package switchyard needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libpq-dev libpg-query-dev libprotobuf-c-dev libmariadb-dev libyaml-cpp-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  # The TLS tests make a throwaway CA and certificates with the openssl command.
  openssl
  clang libclang-rt-14-dev
  postgresql-15 postgresql-client-15 pgbouncer python3-psycopg2 strace
  # The real drivers of the prepared-statement tests (tests/integration/prepared_*_test.cpp).
  python3-psycopg libpostgresql-jdbc-java openjdk-17-jdk-headless
  # The operator's console tests (tests/integration/console_*_test.cpp): the dashboard in a real
  # headless Chromium driven by Selenium, and a real Prometheus scraping /metrics (promtool
  # checks deploy/prometheus/alerts.yml).
  chromium chromium-driver python3-selenium prometheus
  # The ORMs of the differential test (tests/integration/differential/).
  python3-django python3-sqlalchemy ruby-activerecord ruby-pg
  # MariaDB 10.11 for the MySQL wire tests (tests/support/mariadb_server.*), its CLI, a load
  # generator and a Python driver for the tests of the MySQL path.
  mariadb-server mariadb-client sysbench python3-pymysql
  # The MySQL driver tests (tests/integration/mariadb_drivers_test.cpp): mysqlclient (MySQLdb),
  # MariaDB Connector/J and Ruby mysql2, each run directly and through switchyard.
  python3-mysqldb libmariadb-java ruby-mysql2
)
# Node.js and npm for the node-postgres driver: Debian's packages, unless a node is already
# installed some other way (a NodeSource nodejs ships its own npm and conflicts with Debian's).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The Debian postgresql and mariadb-server packages may start servers on 5432 and 3306; tests
  # never use them (each starts its own on a free loopback port), and they are left alone.
fi

# node-postgres and Node mysql2, pinned by the lock file; skipped (no network needed) when the
# versions package.json names are there.
node_dir="$(dirname "$0")/../tests/integration/drivers/node"
node_stale=""
for module in pg mysql2; do
  wanted=$(sed -n "s/.*\"$module\": \"\(.*\)\".*/\1/p" "$node_dir/package.json")
  installed=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' "$node_dir/node_modules/$module/package.json" 2>/dev/null || true)
  [ "$installed" = "$wanted" ] || node_stale="$module"
done
if [ -n "$node_stale" ]; then
  echo "install-deps: npm ci in tests/integration/drivers/node"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: done"
