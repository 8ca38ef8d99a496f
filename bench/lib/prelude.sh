# shellcheck shell=bash
# prelude.sh: the common start of every bench/ script, sourced right after its settings:
#   BENCH_NAME=pgbench_compare; . "$REPO_ROOT/bench/lib/prelude.sh"
# A C locale (decimal points in printf/awk/sort), the caller's libpq service settings kept out
# of the measurements, log and die prefixed with the script's name, and the shared helpers:
# scripts/lib/process.sh (stop_pid, cpu_ticks, us_per_tx, as_user) and bench/lib/pg_fixture.sh
# (free_port, median, ratio, machine_line, start_postgres, finish_bench, strace counting).
export LC_ALL=C
unset PGSERVICE PGOPTIONS

log() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/lib/process.sh
. "$REPO_ROOT/scripts/lib/process.sh"
# shellcheck source=bench/lib/pg_fixture.sh
. "$REPO_ROOT/bench/lib/pg_fixture.sh"
