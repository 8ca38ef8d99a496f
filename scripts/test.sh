#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs short bounded fuzz runs of the codecs,
# then every unit and integration test (real PostgreSQL 15 servers started on loopback in temp
# dirs by the tests themselves, and stopped by pid afterwards).
# Usage: scripts/test.sh            FUZZ_SECONDS=N to change the per-target fuzz time (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh

echo "== fuzz (libFuzzer, ${FUZZ_SECONDS:-20}s per target)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSWITCHYARD_FUZZ=ON -DSWITCHYARD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target pg_frame_fuzz pg_startup_fuzz pg_rewrite_fuzz pg_replies_fuzz \
      mysql_frame_fuzz mysql_replies_fuzz mysql_handshake_fuzz mysql_parse_fuzz mysql_rewrite_fuzz mysql_ddl_lint_fuzz \
      pg_shape_fuzz
for target in pg_frame pg_startup pg_rewrite pg_replies pg_shape mysql_frame mysql_replies mysql_handshake mysql_parse mysql_rewrite \
              mysql_ddl_lint; do
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  ./build-fuzz/${target}_fuzz -max_total_time="${FUZZ_SECONDS:-20}" -print_final_stats=0 \
      "$work" "tests/fuzz/corpus/$target" 2>&1 | tail -n 1
  rm -rf "$work"
done

echo "== unit and integration tests"
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)"
